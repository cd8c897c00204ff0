# Inline int and float arithmetic: exact ints of up to two 30-bit digits and
# floats are computed unboxed; everything else (big ints, bools, subclasses,
# division by zero, products that could overflow) takes CPython's path. The
# results must be CPython's, bit for bit.
import math


def ops(a, b):
    out = [a + b, a - b, a * b, -a, a < b, a <= b, a == b, a != b, a > b, a >= b]
    for f in (lambda: a / b, lambda: a // b, lambda: a % b):
        try:
            out.append(f())
        except ZeroDivisionError as e:
            out.append(f"ZeroDivisionError: {e}")
    return out


def chain(a, b):
    # Intermediate results stay unboxed between the operations.
    return (a * b + a) * (a - b) - (a + 1) * (b - 1) + a * a * a


def mixed(x, n):
    return x * n + n / 2 - (x - n) * 0.25, x < n, n <= x


class MyInt(int):
    def __add__(self, other):
        return "MyInt.__add__"


class MyFloat(float):
    def __mul__(self, other):
        return "MyFloat.__mul__"


values = [0, 1, -1, 7, -7, 2**29, -(2**29), 2**30 - 1, 2**30, -(2**30), 2**31, 2**53, 2**53 + 1, 2**59,
          2**60 - 1, 2**60, -(2**61), 2**62, 10**30, -(10**25), 0.0, -0.0, 1.5, -2.75, 1e300, 1e-300,
          math.inf, -math.inf, math.nan, True, False]
for a in values:
    for b in values:
        print(repr(a), repr(b), ops(a, b), chain(a, b) if not isinstance(a, float) or abs(a) < 1e100 else "-")
for x in [0.5, -3.0, 1e16, math.nan]:
    for n in [0, 3, -4, 2**48 - 1, 2**48, 2**53 + 1, 10**20]:
        print(x, n, mixed(x, n))
print(MyInt(3) + 4, 4 + MyInt(3), -MyInt(5), MyFloat(2.0) * 3, 3 * MyFloat(2.0))


def grow(n):
    # Crosses from small ints into big ones and back.
    x = 1
    for i in range(n):
        x = x * 7 + i
    y = x
    for i in range(n):
        y = y // 7
    return x, y


print(grow(40))


def floats(n):
    s = 0.0
    for i in range(n):
        s += (i * 0.5) * (i * 0.5) - i / 3
    return s


print(floats(1000), -(2**62) - 2**62, (2**61 + 2**61) * 2)
try:
    print(1.5 / 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    print(-(1 // 0))
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
