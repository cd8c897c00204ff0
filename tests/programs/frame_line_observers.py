# What looks at a running frame from C code sees the line being executed:
# a finalizer, a warning raised while releasing a value, a gc callback,
# tracemalloc. Native code moves its frame's line before such steps
# (analysis/lines.rs), on their slow paths only.
import gc
import sys
import tracemalloc
import warnings


def rel(frame, func):
    return frame.f_lineno - func.__code__.co_firstlineno


class Spy:
    def __init__(self, label):
        self.label = label

    def __del__(self):
        f = sys._getframe(1)
        print("del", self.label, f.f_code.co_name, rel(f, drop))


def drop(n):
    s = Spy("store")
    x = n + 1
    s = None
    s = Spy("delete")
    y = [x] * 3
    del s
    items = [Spy("setitem"), 2]
    items[0] = x * 2
    total = 0
    for i in range(n):
        total += i
    return y, total


print(drop(3))


def resource(path):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        f = open(path, "rb")
        k = 2 * 3
        f = None
        k += 1
    for w in seen:
        print(w.category.__name__, w.lineno - resource.__code__.co_firstlineno, k)


resource(__file__)


lines = set()


def callback(phase, info):
    if phase == "start":
        f = sys._getframe(1)
        while f is not None and f.f_code.co_name != "target":
            f = f.f_back
        if f is not None:
            lines.add(rel(f, target))


def target(n):
    out = []
    for i in range(n):
        pair = (i, [i])
        out.append(pair)
        d = {i: pair}
    return len(out), len(d)


gc.callbacks.append(callback)
old = gc.get_threshold()
gc.set_threshold(5)
print(target(200))
gc.set_threshold(*old)
gc.callbacks.remove(callback)
print("gc lines", sorted(lines))


def allocate(size):
    data = b"x" * size
    pad = size + 1
    more = bytearray(pad)
    return data, more


def closure(x):
    def inner():
        return x

    return inner


tracemalloc.start(4)
data, more = allocate(50_000)
cell, here = closure(7).__closure__[0], sys._getframe().f_lineno
for label, obj in (("bytes", data), ("bytearray", more)):
    tb = tracemalloc.get_object_traceback(obj)
    print(label, tb[-1].filename == __file__, tb[-1].lineno - allocate.__code__.co_firstlineno)
tb = tracemalloc.get_object_traceback(cell)
# CPython skips a frame still making its cells ("incomplete"): the cell
# is the caller's allocation.
print("cell", tb[-1].lineno - here)
tracemalloc.stop()


# A `with` whose exit lets the exception through re-raises it with the
# frame back at the line that raised (CPython's RERAISE restores lasti),
# although the exit's call moved the frame to the `with` line.
class Noop:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def after_with():
    with Noop():
        k = [1]
        1 / 0
        pass


try:
    after_with()
except ZeroDivisionError as e:
    tb = e.__traceback__.tb_next
    print("after with", tb.tb_frame.f_lineno - after_with.__code__.co_firstlineno, tb.tb_lineno - after_with.__code__.co_firstlineno)
