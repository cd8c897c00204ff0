"""Values that break what the type analysis expects (analysis/types.rs):
each hint only chooses which inline path is emitted, so every wrong one
must still give CPython's result."""
import math


class Rmul:
    """A class whose objects a list times them makes something else."""

    def __rmul__(self, other):
        return ("rmul", len(other))

    def __radd__(self, other):
        return "radd"


class MyInt(int):
    def __add__(self, other):
        return "MyInt.add"

    def __lt__(self, other):
        return "MyInt.lt"


class MyFloat(float):
    def __mul__(self, other):
        return "MyFloat.mul"


def scale(x, k):
    # Called below with ints, so x and k are expected to be ints.
    return x * k + x - k


def mean(a, b):
    # Called with floats.
    return (a + b) / 2.0


def below(n, limit):
    return n < limit, n <= limit, n == limit, -n


def repeat(n):
    # `[0] * n` is expected to be a list.
    row = [0] * n
    return row


def counts(k):
    total = 0
    for i in range(k):
        total += i * i
    return total


class Counter:
    """Its compiled methods store only ints in `count` and `step`."""

    def __init__(self):
        self.count = 0
        self.step = 1

    def bump(self):
        self.count = self.count + self.step
        return self.count * 2 - self.step


def driver():
    # The only calls the compiler sees: ints for scale, below, repeat and
    # counts, floats for mean. The module's code below passes what these
    # promised not to be, through names the compiler does not follow.
    print("ints", scale(3, 4), scale(-7, 2), counts(10))
    print("floats", mean(1.5, 2.5), mean(-0.0, -0.0), mean(float("nan"), 1.0))
    print("compare", below(3, 4), below(2, 2))
    print("repeat", repeat(3))
    # A list local that stops being a list.
    x = [1] * 3
    for step in range(3):
        x = x + [step] if step < 2 else len(x) * 1.5
    print("changed", x)
    # A str compared where a number is expected on the other side.
    n = 5
    for s in ("5", 5, 5.0):
        print("eq", s == n, n == s)


driver()
# Calls the compiler cannot see (by a name it does not follow), with what
# the calls it sees promised these parameters would not be.
g = globals()
scale_, mean_, below_, repeat_, counts_ = (g[n] for n in ("scale", "mean", "below", "repeat", "counts"))
print("float as int", scale_(2.5, 4), scale_(3, 0.5))
print("big as int", scale_(2**62, 4), scale_(2**70, -3), scale_(-(2**63), 2))
print("bool as int", scale_(True, False), scale_(True, 7), below_(True, 1))
print("subclass", scale_(MyInt(2), 3), below_(MyInt(1), 5))
print("int as float", mean_(1, 2), mean_(2**80, 1), mean_(True, False))
print("subclass float", mean_(MyFloat(1.0), 2.0), type(mean_(MyFloat(1.0), 2.0)).__name__)
print("nan", below_(float("nan"), 1.0), below_(1, float("inf")))
print("-0.0", math.copysign(1.0, mean_(-0.0, -0.0)), below_(-0.0, 0.0))
print("repeat other", repeat_(Rmul()), repeat_(True), repeat_(0))
for bad in (2.0, "x", None):
    try:
        print(repeat_(bad))
    except TypeError as e:
        print("TypeError", e)
try:
    scale_(None, 1)
except TypeError as e:
    print("TypeError", e)
big = counts_(100000)
print("counts", big, counts_(0), counts_(True), type(big).__name__)
try:
    counts_(2.5)
except TypeError as e:
    print("TypeError", e)

# Attributes the compiled code stores ints in, given other things from
# outside it (this module's code runs as bytecode).
c = Counter()
print("counter", c.bump(), c.bump())
c.count = 2.5
print("float count", c.bump())
c.step = 10**30
print("big step", c.bump())
setattr(c, "count", "x")
c.step = "y"
try:
    c.bump()
except TypeError as e:
    print("TypeError", e, c.count)
c.count = True
c.step = False
print("bool count", c.bump())
