# Method calls enter a compiled method's entry directly from the call site
# when the cache holds it: replaced, shadowed, re-coded, deleted-while-running
# methods, __slots__ classes, defaults and keywords, inheritance, recursion
# and tracebacks through such calls.
import sys


class A:
    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

    def add(self, x, y):
        return self.v + x + y

    def deflt(self, x, y=10):
        return self.v * x + y

    def rec(self, n):
        return 0 if n == 0 else 1 + self.rec(n - 1)

    def suicide(self):
        del A.suicide
        return "gone " + str(self.v)

    def boom(self, d):
        return self.v / d


class B(A):
    def get(self):
        return -self.v


class S:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v * 2


def other(self):
    return "other " + str(self.v)


def calls(objs):
    out = []
    for o in objs:
        out.append(o.get())
    return out


def main():
    a, b, s = A(1), B(2), S(3)
    for _ in range(3):
        print(calls([a, b, s, a]), a.add(1, 2), b.add(3, 4), a.deflt(2), a.deflt(2, 3), a.deflt(x=1, y=2))
    A.get = other  # the type's version changes
    print(calls([a, b, s]))
    a.get = lambda: "shadowed"  # an instance attribute hides the method
    print(calls([a, A(9), b]))
    del a.get
    print(calls([a]))
    A.get.__code__ = (lambda self: "recoded " + str(self.v)).__code__
    print(calls([a, A(5)]))
    print(a.suicide(), hasattr(A, "suicide"))
    print(a.rec(100))
    try:
        a.rec(10**6)
    except RecursionError as e:
        print("RecursionError", e)
    print(a.rec(50))
    sys.setrecursionlimit(2000)
    print(a.rec(1500))
    try:
        a.add(1)
    except TypeError as e:
        print(e)
    bound_methods()
    a.boom(0)


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self, by=1, *, times=1):
        self.n += by * times
        return self.n

    def walk(self, k):
        return 0 if k == 0 else 1 + self.walk(k - 1)

    def gen(self, k):
        yield from range(self.n, self.n + k)

    @classmethod
    def make(cls, n):
        c = cls()
        c.n = n
        return c


def bound_methods():
    # Bound methods called as values (callbacks): the runtime puts self
    # before the arguments itself.
    c = Counter()
    bump, walk, gen, make = c.bump, c.walk, c.gen, Counter.make
    print(bump(), bump(2), bump(by=3), bump(1, times=4), bump(times=2, by=5), c.n)
    print([f(1) for f in [bump, walk]], list(gen(3)), make(7).n, type(make(1)).__name__)
    for bad in [lambda: bump(1, 2), lambda: bump(nope=1), lambda: walk(), lambda: make()]:
        try:
            bad()
        except TypeError as e:
            print("TypeError:", e)
    try:
        walk(10**6)
    except RecursionError as e:
        print("RecursionError", e)
    print(walk(100), list(map(c.bump, [1, 2])), sorted([3, 1, 2], key=Counter().walk))
    del c
    print(bump(0), walk.__self__.n)


main()
