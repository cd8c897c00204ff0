"""Arithmetic and comparisons with number constants (read by inline code
without their objects), slot stores into empty slots, and reads of
variables that every path has or has not bound."""


def arith(x, y):
    print(x + 1, x - 2, 3 - x, x * 4, x / 8, x // 3, x % -3, -7 // x, 7 % x)
    print(y + 1, y * 2.5, 1.5 - y, y / 0.5, y // 2, y % 0.75, 2 ** 0.5 * y)
    print(x + 4611686018427387903, x - 4611686018427387904, x * 4611686018427387904, x + 2 ** 70)
    print(x * 1e308 * 10, -0.0 * x, 0.0 - 0.0, x < float("nan"), x == 3.0, x > 2.5, x <= 9007199254740993)
    for bad in (lambda: x / 0, lambda: x // 0.0, lambda: x % 0, lambda: 1.5 / 0):
        try:
            bad()
        except ZeroDivisionError as e:
            print("ZeroDivisionError:", e)


def compare_constants(n):
    out = []
    for i in range(n):
        if i == 1:
            out.append("one")
        elif i < 3:
            out.append("small")
        elif i >= 4.5:
            out.append("big")
        else:
            out.append(i * 1.0)
    return out


class Rec:
    __slots__ = ("a", "b")

    def __init__(self, a):
        self.a = a


def slots():
    r = Rec(1)
    try:
        r.b
    except AttributeError as e:
        print("AttributeError:", e)
    r.b = [2]
    r.b = r.a
    del r.a
    try:
        print(r.a)
    except AttributeError as e:
        print("AttributeError:", e)
    r.a = "again"
    print(r.a, r.b)


def maybe(flag):
    if flag:
        v = "set"
    return v


def after_del(p):
    del p
    return p


def in_loop(n):
    for i in range(n):
        if i == 1:
            w = i
        print(w)


def in_handler():
    try:
        k = 1
        raise ValueError
    except ValueError:
        print("k is", k)
    try:
        int("x")
        z = 2
    except ValueError:
        try:
            print(z)
        except UnboundLocalError as e:
            print("UnboundLocalError:", e)


def loop_del():
    items = []
    for i in range(2):
        t = i
        items.append(t)
        del t
    try:
        print(t)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    return items


def name_like():
    return "total_2"


def keywords(a, b=2, *, scale=1, offset=0):
    return (a + b) * scale + offset


def interned_strings():
    # CPython interns string constants made of name characters: the same
    # object from any function, and sys.intern's; keyword names match
    # parameter names by identity (the binder's fast pass).
    import sys

    other = "total_2"
    print(name_like() is other, sys.intern("total" + "_2") is name_like(), "x y" == "x " + "y")
    print(keywords(1, scale=3), keywords(1, 4, offset=5, scale=2), keywords(a=2, b=3))
    try:
        keywords(1, scale=2, bogus=3)
    except TypeError as e:
        print("TypeError:", e)
    d = {"total_2": 1}
    key = "total_" + str(2)
    print(d[key], d["total_2"], key is name_like())


arith(5, 1.25)
arith(-3, -0.5)
interned_strings()
print(compare_constants(6))
slots()
for f, args in [(maybe, (True,)), (maybe, (False,)), (after_del, (1,)), (in_loop, (3,))]:
    try:
        print(f(*args))
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
in_handler()
print(loop_del())
