# A compiled generator keeps its state object, a `yield from` delegate and
# the value send() passes on its frame's value stack. CPython sizes a
# generator's frame by the code's own stack depth (one for `yield x`), so
# without room made for these, resuming wrote past the generator object:
# memory corruption that showed much later, here as garbage printed by a
# traceback module imported inside an except clause.
import sys


def gen(x):
    yield x


def relay(x):
    yield from gen(x)


def echo():
    while True:
        got = yield
        if got is None:
            return
        print("echo", got)


print(list(gen(4)), list(relay(5)))
e = echo()
next(e)
for word in ["a", "bb", "ccc"]:
    e.send(word)
junk = [str(i) * 3 for i in range(50)]
try:
    1 / 0
except ZeroDivisionError:
    import traceback

    traceback.print_exc(file=sys.stdout)


class Later:
    def method(self):
        return "still fine"


print(Later().method(), len(junk))
