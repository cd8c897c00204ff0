# Parameters that keep their argument are viewed once at the entry when
# inline arithmetic reads them more than once (codegen/numeric.rs): the
# view must match what each read would have seen, for every kind of
# argument, and the argument object stays the one passed.
import math


class MyInt(int):
    def __add__(self, other):
        return "MyInt.__add__"

    def __lt__(self, other):
        return "MyInt.__lt__"


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Num(self.v + other)

    def __lt__(self, other):
        return self.v < other

    def __repr__(self):
        return f"Num({self.v})"


def twice(n):
    a = n + 1
    b = n + 2
    return a, b, n < 3


def loop(limit, step):
    total = 0
    i = 0
    while i < limit:
        total = total + step
        i += 1
    return total


def same(x):
    y = x * 2
    z = x - 1
    return x, y, z


for arg in [1, -5, 2**40, 2**62 - 1, 2**62, 2**64 + 3, -(2**63), 1.5, -0.0, float("nan"), float("inf"),
            True, False, MyInt(7), Num(4)]:
    print(repr(arg), twice(arg))

print(loop(5, 3), loop(4, 0.5), loop(3, 2**62), loop(2, True), loop(0, 1))
big = 10**30
print(loop(3, big), loop(MyInt(2), 1))
for arg in [300, 2**70, 2.5, -0.0]:
    x, y, z = same(arg)
    print(x is arg, y, z, math.copysign(1, y) if isinstance(y, float) else "")
try:
    twice("s")
except TypeError as e:
    print("TypeError", e)
try:
    loop(3, None)
except TypeError as e:
    print("TypeError", e)
print(loop(Num(2), 1))
