import functools


@functools.total_ordering
class Vec:
    def __init__(self, *xs):
        self.xs = tuple(xs)

    def __repr__(self):
        return f"Vec{self.xs}"

    def __str__(self):
        return "<" + ", ".join(map(str, self.xs)) + ">"

    def __format__(self, spec):
        return "(" + ", ".join(format(x, spec) for x in self.xs) + ")"

    def __add__(self, other):
        return Vec(*(a + b for a, b in zip(self.xs, other.xs)))

    def __mul__(self, k):
        return Vec(*(a * k for a in self.xs))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __abs__(self):
        return sum(x * x for x in self.xs) ** 0.5

    def __eq__(self, other):
        return isinstance(other, Vec) and self.xs == other.xs

    def __lt__(self, other):
        return abs(self) < abs(other)

    def __hash__(self):
        return hash(self.xs)

    def __len__(self):
        return len(self.xs)

    def __getitem__(self, i):
        return self.xs[i]

    def __iter__(self):
        return iter(self.xs)

    def __contains__(self, x):
        return x in self.xs

    def __bool__(self):
        return any(self.xs)

    def __call__(self, k):
        return self.xs[k % len(self.xs)]


class Grid:
    def __init__(self):
        self.cells = {}

    def __setitem__(self, key, value):
        self.cells[key] = value

    def __getitem__(self, key):
        return self.cells.get(key, ".")

    def __delitem__(self, key):
        del self.cells[key]


a, b = Vec(1, 2, 3), Vec(4, 5, 6)
print(a + b, 2 * a, a * 3, -a, abs(Vec(3, 4)))
print(repr(a), str(a), f"{Vec(1.5, 2.25):.2f}", a == Vec(1, 2, 3), a != b, a < b, a >= b)
print(len(a), a[1], a[-1], a[0:2], list(a), 2 in a, 9 in a, bool(Vec(0, 0)), a(4))
print(sorted([b, a, Vec(0)]), {a: "a"}[Vec(1, 2, 3)], max(a, b))
g = Grid()
g[1, 2] = "x"
g[0, 0] = "o"
del g[0, 0]
print(g[1, 2], g[0, 0], g.cells)
try:
    a + 1
except AttributeError as e:
    print("AttributeError:", e)
