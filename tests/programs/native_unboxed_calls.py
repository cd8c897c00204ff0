# Direct calls whose numbers travel unboxed (codegen's unboxed entries):
# every edge where a number has to become an object again, or where the
# callee is not the one predicted, must behave as CPython does.
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def ident(x):
    return x


def add1(n):
    return n + 1


def sq(n):
    return n * n


def half(x):
    return x / 2


def neg(x):
    return -x


def same(a, b):
    return a == b


def twice_arith(k):
    return add1(k * 2) + sq(k - 1)


print("fib", [fib(i) for i in range(15)], fib(25))

# Identity: what goes in comes back, box and all.
for v in (1.5, 10**6, 2**70, -0.0, float("nan"), 7, True, "s"):
    print("ident", repr(v), ident(v) is v, ident(v + v if isinstance(v, (int, float)) else v) == (v + v if isinstance(v, (int, float)) else v))

# Ints, floats, bools, subclasses and other types where ints were seen.
class MyInt(int):
    pass


class Weird(int):
    def __add__(self, other):
        return ("weird add", int(self), other)

    def __mul__(self, other):
        return ("weird mul", int(self), other)


class Vec:
    def __init__(self, x):
        self.x = x

    def __add__(self, other):
        return Vec(self.x + other)

    def __repr__(self):
        return f"Vec({self.x})"


for v in (1, 1.5, True, False, MyInt(3), Weird(4), Vec(2), 2**62 - 1, 2**62, -(2**62), 2**63, 2**100):
    print("add1", type(v).__name__, add1(v))
for v in (3, 3_000_000_000, 2**31, 2**40, -(2**40), 1.0e200, Weird(5), MyInt(6)):
    print("sq", type(v).__name__, sq(v), type(sq(v)).__name__)
print("half", half(3), half(5) + half(7), half(2**60), half(-0.0), half(float("inf")))
print("neg", neg(0.0), neg(-0.0), neg(0), neg(2**62), neg(-(2**62)), neg(True))
nan = float("nan")
print("same", same(nan, nan), same(0.0, -0.0), same(1, 1.0), same(2**53 + 1, float(2**53 + 1)))
print("twice", [twice_arith(k) for k in (0, 1, 5, 2**40, 1.5)])
try:
    add1("a")
except TypeError as e:
    print("TypeError", e)


# A callee rebound after its calls were compiled: the numbers are boxed
# for the call.
def g(n):
    return n + 1


def caller(k):
    return g(k * 2) + 0


print("caller", caller(5), caller(2.25))


def g2(n):
    return [n, type(n).__name__]


g = g2
try:
    print("caller", caller(5))
except TypeError as e:
    print("caller", "TypeError", e)
g = lambda n: n * 10  # noqa: E731
print("caller", caller(5), caller(0.5))


# A callee that fails: its traceback entries, and the caller's.
def div(a, b):
    return a / b


def divide_all(k):
    return div(k + 1, k - 1)


print("divide", divide_all(3))
try:
    divide_all(1)
except ZeroDivisionError as e:
    tb = e.__traceback__
    names = []
    while tb:
        names.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    print("ZeroDivisionError", e, names)


# A frame that outlives its call sees its numbers as objects.
def bad(n):
    m = n * 2
    raise ValueError(m)


def call_bad(k):
    return bad(k + 1)


try:
    call_bad(20)
except ValueError as e:
    frame = e.__traceback__.tb_next.tb_next.tb_frame
    print("f_locals", sorted(frame.f_locals.items()))


# locals() and rebinding a parameter.
def loc(a):
    b = a + 1
    return sorted(locals().items())


def count(n):
    steps = 0
    while n > 0:
        n -= 3
        steps += 1
    return n, steps


def use_loc(k):
    return loc(k * 3), count(k * 3 + 1)


print("loc", use_loc(4), use_loc(0.5))


# Deep recursion through unboxed entries still meets the recursion limit.
def down(n):
    return down(n - 1) + 1


try:
    down(10)
except RecursionError as e:
    print("RecursionError", e)


# Called from C: map, sorted's key, functools.reduce.
import functools

print("from C", list(map(sq, [1, 2.5, 2**40])), sorted([3, -1, 2], key=neg), functools.reduce(lambda a, b: add1(a) + b, [1, 2, 3]))


# While tracing, a compiled caller's unboxed call goes to the interpreter
# with its arguments boxed.
events = []


def tracer(frame, event, arg):
    if event in ("call", "return") and frame.f_code.co_name in ("sq", "half"):
        events.append((event, frame.f_code.co_name, dict(frame.f_locals) if event == "call" else arg))
    return tracer


def traced(k):
    sys.settrace(tracer)
    try:
        return sq(k + 1) + half(k * 1.5)
    finally:
        sys.settrace(None)


print("traced", traced(3), events)
