"""tuple(), set(), any() and all() called by their global names on a
generator expression: when the name finds the builtin, the expression's
body runs as a plain function that collects (or decides) without a
generator; everything the program can see is as in CPython: the order of
side effects, where any() and all() stop, errors and their tracebacks,
StopIteration turned into RuntimeError, rebound names, closures."""
import builtins
import sys
import traceback

log = []


def seen(x):
    log.append(x)
    return x


def show(thunk):
    del log[:]
    try:
        print(repr(thunk()), log)
    except Exception as e:
        print(type(e).__name__ + ":", e, log)


# What each builtin makes, with the order in which elements are computed.
show(lambda: tuple(seen(i) * 2 for i in range(5)))
show(lambda: tuple(seen(i) for i in range(0)))
empty = ()
show(lambda: tuple(x for x in []) is empty)
show(lambda: sorted(set(seen(c) for c in "abracadabra")))
show(lambda: set(i % 3 for i in range(10) if i > 2))
show(lambda: tuple((i, j) for i in range(3) for j in range(i)))
show(lambda: tuple(tuple(seen(j) for j in range(i)) for i in range(4)))

# any() and all() stop at the element that decides.
show(lambda: any(seen(i) > 2 for i in range(10)))
show(lambda: any(seen(i) > 20 for i in range(5)))
show(lambda: all(seen(i) < 3 for i in range(10)))
show(lambda: all(seen(i) < 30 for i in range(5)))
show(lambda: any(seen(x) for x in [0, "", None, [], 7, 8]))
show(lambda: all(seen(x) for x in [1, "a", [0], 0, 5]))
show(lambda: (any(x for x in ()), all(x for x in ())))


class Truth:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        log.append("bool %r" % self.v)
        if self.v is None:
            raise ValueError("no truth")
        return self.v


show(lambda: any(Truth(v) for v in [False, True, None]))
show(lambda: all(Truth(v) for v in [True, None, False]))

# Errors inside the body stop it where the generator would stop.
show(lambda: tuple(10 // seen(i) for i in [5, 2, 0, 1]))
show(lambda: set(seen([i]) if i == 2 else seen(i) for i in range(5)))
show(lambda: tuple(x for x in 42))


def next_of(it):
    return next(it)


def stop_inside():
    it = iter([1, 2])
    return tuple(next_of(it) for _ in range(5))


try:
    stop_inside()
except RuntimeError as e:
    print("RuntimeError:", e, type(e.__cause__).__name__, e.__cause__ is e.__context__, e.__suppress_context__)


def fails_deep(values):
    return tuple(1 / v for v in values)


try:
    fails_deep([1, 2, 0])
except ZeroDivisionError:
    traceback.print_exc(file=sys.stdout)


# Closures: the body reads the enclosing function's variables and cells.
def scaled(values, k):
    bonus = [0]

    def bump():
        bonus[0] += 1
        return bonus[0]

    return tuple(v * k + bump() for v in values), bonus[0]


print(scaled([1, 2, 3], 10))


class Grid:
    def __init__(self, rows):
        self.rows = rows

    def full(self):
        return all(all(c for c in row) for row in self.rows)

    def cells(self):
        return set(c for row in self.rows for c in row)


print(Grid([[1, 2], [3, 4]]).full(), Grid([[1, 0], [3, 4]]).full(), sorted(Grid([[1, 2], [2, 3]]).cells()))


# Inside a generator function.
def batches(n):
    for i in range(n):
        yield tuple(j for j in range(i))


print(list(batches(4)))

# The first iterable is evaluated before the call, even for a consumer
# that is not the builtin.
show(lambda: tuple(seen("inner") for _ in seen([1])))


# A name that no longer finds the builtin gets a real generator.
def with_local_tuple(tuple):
    return tuple(x for x in range(3))


print(with_local_tuple(lambda g: type(g).__name__))

real_tuple = tuple
tuple = lambda g: ("shadowed", type(g).__name__, real_tuple(g))
show(lambda: tuple(seen(i) for i in range(3)))
del tuple
show(lambda: tuple(seen(i) for i in range(3)))

real_any = builtins.any
builtins.any = lambda g: ("patched", list(g))
show(lambda: any(seen(i) for i in range(3)))
builtins.any = real_any
show(lambda: any(seen(i) for i in range(3)))


# Subclasses of the builtins are other callees.
class MyTuple(tuple):
    pass


print(type(MyTuple(x for x in range(2))).__name__, MyTuple(x for x in range(2)))

# Deep recursion through the body reaches the same limit.
def depth(n):
    return 0 if n == 0 else 1 + sum(tuple(depth(n - 1) for _ in range(1)))


print(depth(50))
try:
    depth(100000)
except RecursionError as e:
    print("RecursionError:", e)

# An early stop of any() closes the iterator the body was reading.
def noisy():
    try:
        yield 1
        yield 2
    finally:
        print("noisy closed")


print(any(x for x in noisy()), "after any")
print(all(x > 5 for x in noisy()), "after all")

# sum() adds each element as it comes, from 0.
show(lambda: sum(seen(i) for i in range(6)))
show(lambda: sum(i * 0.1 for i in range(10)))
show(lambda: sum(x for x in [1, 2.5, True, -0.0]))
show(lambda: sum(x for x in [-0.0]))
show(lambda: sum(2 ** 62 + i for i in range(4)))
show(lambda: sum(x for x in [10**30, -(10**30), 1]))
show(lambda: sum(seen(x) for x in [1, "a", 2]))
show(lambda: sum(x for x in ()))


class Money:
    def __init__(self, n):
        self.n = n

    def __radd__(self, other):
        log.append("radd %r" % (other,))
        return Money(other + self.n) if isinstance(other, int) else Money(other.n + self.n)

    def __add__(self, other):
        log.append("add")
        return Money(self.n + (other.n if isinstance(other, Money) else other))

    def __repr__(self):
        return "Money(%d)" % self.n


show(lambda: sum(Money(i) for i in range(1, 4)))


# Errors of the builtin's own steps (the truth test, hashing, adding) show
# no <genexpr> entry in the traceback; errors of the body do.
def failing(kind):
    if kind == "truth":
        return any(Truth(v) for v in [False, None])
    if kind == "hash":
        return set([i] for i in range(2))
    if kind == "add":
        return sum(x for x in [1, "two"])
    return sum(1 // x for x in [1, 0])


for kind in ["truth", "hash", "add", "body"]:
    try:
        failing(kind)
    except Exception:
        traceback.print_exc(file=sys.stdout)
