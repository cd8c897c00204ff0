"""x ** y inline for floats (pow() where float_pow calls it) and CPython's
path for every other case: ints, negative, zero, infinite and NaN operands,
results that overflow, and unboxed operands and results in arithmetic."""
import math
vals = [2.0, 0.5, 1.0, 3, 10, -2.0, -8.0, 0.0, -0.0, 1e300, 1e-300, float("inf"), float("-inf"), float("nan"), 7, -3, 0, True, 2**70]
exps = [0.5, -1.5, 2, 3, -2, 0, 0.0, -0.0, 1e300, -1e300, 1/3, float("inf"), float("nan"), 1000, -1000, True, 0.5]
def p(a, b):
    try:
        r = a ** b
        return repr(r)
    except Exception as e:
        # (OverflowError's errno and text are the platform's: WASI's
        # ERANGE is 68, Linux's 34; the type is CPython's everywhere)
        return type(e).__name__
for a in vals:
    for b in exps:
        print(repr(a), repr(b), p(a, b))
def f(x):
    y = x * 1.0
    z = y ** 2.5 + y ** -0.5
    z **= 0.5
    return z
print(f(3.0), f(2), f(1e10))
x = 2.0
for i in range(5):
    x = x ** 1.5
print(x)
try:
    x = 10.0
    for i in range(20):
        x = x ** 2.0
except OverflowError as e:
    print("OverflowError", x)


class F(float):
    def __pow__(self, other):
        return "F.__pow__"

    def __rpow__(self, other):
        return "F.__rpow__"


print(F(2.0) ** 0.5, 2.0 ** F(0.5), F(2.0) ** F(0.5))
print(math.isnan(float("nan") ** 0.5), (-8.0) ** (1 / 3))
