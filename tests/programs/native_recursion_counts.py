"""Every way into a compiled function counts one level of CPython's
recursion limit and gives it back when the call ends: the depth a
recursion reaches is CPython's, and the same when it is tried again after
a RecursionError (a counter that leaked would lower it each time)."""
import functools
import sys

sys.setrecursionlimit(300)


def direct(n):
    return direct(n + 1)


class Walker:
    def method(self, n):
        return self.method(n + 1)


def keywords(n, step=1):
    return keywords(n=n + step)


def through_c(n):
    # map() calls it from C (the vectorcall path)
    return list(map(through_c, [n + 1]))[0]


def defaults(n, a=1, b=2):
    return defaults(n + a)


def summed(n):
    # a generator expression consumed by sum() (its collecting variant)
    return sum(summed(n + 1) for _ in range(1))


def reached(f):
    """How deep F got: the traceback's entries, and the message."""
    try:
        f(0)
    except RecursionError as e:
        tb, frames = e.__traceback__, 0
        while tb is not None:
            frames += 1
            tb = tb.tb_next
        return frames, str(e)
    return None


for name, f in [("direct", direct), ("method", Walker().method), ("keywords", keywords),
                ("through_c", through_c), ("defaults", defaults)]:
    print(name, [reached(f) for _ in range(3)])

# CPython's own message here depends on where its adaptive interpreter
# stands (the first attempt differs from the next); the error is the same.
for _ in range(3):
    try:
        summed(0)
    except RecursionError:
        print("summed: RecursionError")


def count_depth(n):
    try:
        return count_depth(n + 1)
    except RecursionError:
        return n


first = count_depth(0)
print("depth", first, [count_depth(0) for _ in range(3)])
print(functools.reduce(lambda acc, _: acc + 1, range(10), 0))
