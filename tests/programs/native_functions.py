# Functions the compiler turns into wasm: every kind of statement and
# expression its native code generator handles, checked against CPython.
import sys


def arith(a, b):
    x = a + b * 2 - (a // 3) % 5
    y = a / 4 + b ** 2
    z = (a << 3) | (b & 7) ^ (a >> 1)
    x += 1
    x -= 2
    x *= 3
    return x, y, z, -a, +b, ~a, not a


def big_and_float():
    n = 2 ** 70
    small = 1_000_000 * 3_000
    f = 1.5 * 2.25 - 0.125
    return n + 1, n * n, small, f, 7 // -2, 7 % -2, -7 // 2, 10 / 4, 3 + 2j


def loops(n):
    total = 0
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        if i > 15:
            break
        total += i
    else:
        total = -1
    for j in range(3):
        total += j
    else:
        total += 100
    for k in [1, 2, 3]:
        if k == 2:
            break
    else:
        total = -2
    return total, i, k


def compare_chain(a, b, c):
    return a < b < c, a == b != c, a is None, b is not None, a in (1, 2), c not in [3]


def boolean(a, b):
    return a and b, a or b, (a and not b) or "neither", 1 if a else 2


def containers(n):
    t = (n, n + 1)
    lst = [n, "two", 3.0]
    d = {"a": n, "b": lst}
    s = {1, 2, 2, 3}
    lst[1] = "TWO"
    d["c"] = t
    del d["a"]
    lst.append(4)
    first, second = t
    [p, q, r, s2] = lst
    return t, lst, sorted(d.items()), sorted(s), first + second, p, q, r, s2, lst[-1], lst[1:3], lst[::2]


def strings(name, value):
    width = 8
    return f"{name}={value!r:>{width}} {value:.3f} {name!s} {name!a}", "abc" * 2, "-".join(["x", "y"])


def defaults(a, b=2, *args, c, d=4, **kw):
    return a, b, args, c, d, sorted(kw.items())


def positional_only(a, b, /, c=3):
    return a + b + c


counter = 0


def use_global():
    global counter
    counter += 1
    return counter


def closures(start):
    count = start

    def inc(step=1):
        nonlocal count
        count += step
        return count

    def get():
        return count

    inc()
    inc(5)
    return get(), inc.__name__, inc.__qualname__, inc.__defaults__


def make_adders():
    return [(lambda x, n=n: x + n) for n in range(3)]


def lambdas(xs):
    key = lambda v: -v  # noqa: E731
    return sorted(xs, key=key), list(map(lambda v: v * v, xs))


def deco(fn):
    def wrapper(*args, **kwargs):
        return ("wrapped", fn(*args, **kwargs))

    wrapper.__wrapped__ = fn
    return wrapper


@deco
def decorated(x):
    return x + 1


def exceptions(x):
    try:
        if x == 0:
            raise ValueError("zero")
        r = 10 // x
    except ZeroDivisionError:
        return "never"
    except ValueError as e:
        return "caught " + str(e) + " " + repr(sys.exc_info()[1])
    else:
        r += 1
    try:
        {}["missing"]
    except (KeyError, IndexError) as e:
        r = (r, type(e).__name__, e.args)
    try:
        try:
            raise TypeError("inner")
        except TypeError:
            raise RuntimeError("outer")
    except RuntimeError as e:
        r = (r, str(e), str(e.__context__))
    try:
        raise KeyError("k") from OSError("cause")
    except KeyError as e:
        r = (r, repr(e.__cause__))
    return r, sys.exc_info()


def reraise():
    try:
        int("x")
    except ValueError:
        try:
            raise
        except ValueError as e:
            return "reraised: " + str(e)


def asserts(x):
    assert x > 0, "x must be positive"
    try:
        assert x > 10
    except AssertionError as e:
        return "failed", e.args
    return "ok"


def unbound():
    try:
        print(never)  # noqa: F821
    except NameError as e:
        first = str(e)
    try:
        if False:
            late = 1
        return late
    except UnboundLocalError as e:
        return first, str(e)


def imports():
    import math
    import os.path
    from collections import OrderedDict as OD
    from json import dumps, loads
    return math.sqrt(16), os.path.join("a", "b"), OD([("k", 1)]), loads(dumps([1, 2]))


class Base:
    def __init__(self, name):
        self.name = name

    def greet(self, greeting="hello"):
        return f"{greeting}, {self.name}"

    @property
    def upper(self):
        return self.name.upper()

    @classmethod
    def make(cls, name):
        return cls(name)

    @staticmethod
    def helper(a, b):
        return a * b


class Child(Base):
    def __init__(self, name, age):
        super().__init__(name)
        self.age = age

    def greet(self, greeting="hi"):
        return super().greet(greeting) + f" ({self.age})"

    def __repr__(self):
        return f"Child({self.name!r}, {self.age})"

    def __eq__(self, other):
        return isinstance(other, Child) and (self.name, self.age) == (other.name, other.age)

    def __hash__(self):
        return hash((self.name, self.age))


def objects():
    c = Child("ann", 7)
    c.age += 1
    c.extra = [1]
    c.extra[0] += 2
    del c.extra
    return c.greet(), c.upper, Base.make("bob").greet(greeting="hey"), Base.helper(3, 4), repr(c), c == Child("ann", 8)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def walrus(data):
    if (n := len(data)) > 2:
        return n, [y for x in data if (y := x * 2) > 2]
    return n


def deep(n):
    return deep(n + 1)


def introspect():
    import inspect
    import pickle
    sig = str(inspect.signature(defaults))
    return sig, defaults.__module__, pickle.loads(pickle.dumps(fib)) is fib, decorated.__wrapped__(1)


print(arith(7, 3))
print(big_and_float())
print(loops(10), loops(100))
print(compare_chain(1, 2, 3), compare_chain(3, 2, 1))
print(boolean(1, 0), boolean(0, "x"), boolean("a", "b"))
print(containers(5))
print(strings("pi", 3.14159))
print(defaults(1, c=3), defaults(1, 2, 3, 4, c=5, d=6, e=7, f=8))
print(positional_only(1, 2), positional_only(1, 2, c=10))
print(use_global(), use_global(), counter)
print(closures(10))
print([f(10) for f in make_adders()])
print(lambdas([3, 1, 2]))
print(decorated(41))
print(exceptions(0), exceptions(5), sep="\n")
print(reraise())
print(asserts(5))
try:
    asserts(-1)
except AssertionError as e:
    print("assert:", e)
print(unbound())
print(imports())
print(objects())
print(fib(20))
print(walrus([1, 2, 3]), walrus([1]))
try:
    deep(0)
except RecursionError as e:
    print("recursion:", e)
print(introspect())
for bad in [lambda: defaults(), lambda: defaults(1, 2, 3), lambda: positional_only(a=1, b=2), lambda: fib("x")]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
