"""Calls of built-in functions and of built-in types' methods, which the
runtime makes straight to their C functions (METH_O, METH_NOARGS,
METH_FASTCALL): results, argument errors and recursion as in CPython."""
import sys


def show(thunk):
    # The call stands in the lambda's body: a direct call, as in user code.
    try:
        print(repr(thunk()))
    except Exception as e:
        print(type(e).__name__ + ":", e)


def one_arg():
    # METH_O builtins
    s = "A"
    total = 0
    for _ in range(3):
        total += ord(s)
        s = chr(ord(s) + 1)
    print(s, total, len("hello"), len([1, 2]), abs(-3), repr(7), hash(5) == hash(5))
    print(callable(len), id(s) == id(s), bin(10), hex(255), oct(8))


def no_args_and_fast():
    l = [3, 1, 2]
    l.append(4)
    l.sort()
    c = l.copy()
    c.reverse()
    d = {"a": 1}
    print(l, c, d.get("a"), d.get("b", 9), d.keys(), "x".upper(), ",".join(["p", "q"]))
    print(isinstance(3, int), isinstance("s", (int, str)), getattr(l, "count")(1), divmod(7, 2))
    print(list.copy(l), str.upper("abc"), dict.get(d, "a"), "abc".startswith("a"), "a-b".split("-"))
    print(max(1, 5, 3), min([4, 2]), sorted([3, 1]), sum([1, 2, 3]), round(2.567, 2))


def errors():
    show(lambda: len())
    show(lambda: len(1, 2))
    show(lambda: len(5))
    show(lambda: len(obj=[1]))
    show(lambda: ord("ab"))
    show(lambda: chr(-1))
    show(lambda: chr("a"))
    l = []
    show(lambda: l.append())
    show(lambda: l.append(1, 2))
    show(lambda: list.append(1, 2))
    show(lambda: list.append())
    show(lambda: l.copy(1))
    show(lambda: list.copy((1, 2)))
    show(lambda: isinstance(1))
    show(lambda: divmod(1, 0))
    show(lambda: getattr(l, "nope"))
    show(lambda: l.pop())
    show(lambda: {}.pop("k"))
    # METH_O | METH_COEXIST methods: their argument count is checked too
    d = {"a": 1}
    show(lambda: d.__contains__())
    show(lambda: d.__contains__("a"))
    show(lambda: d.__getitem__("a"))
    show(lambda: dict.__contains__(d))
    show(lambda: dict.__contains__(d, "b"))


class MyList(list):
    def append(self, x):
        list.append(self, x * 10)


class Deep:
    def __len__(self):
        return len(self) + 1


def subclasses_and_recursion():
    m = MyList()
    m.append(1)
    list.append(m, 2)
    print(m, len(m))
    try:
        len(Deep())
    except RecursionError as e:
        # (the message's suffix depends on which call hit the limit)
        print("RecursionError:", str(e).startswith("maximum recursion depth exceeded"))


one_arg()
no_args_and_fast()
errors()
subclasses_and_recursion()
print(sys.getrecursionlimit() > 0)
