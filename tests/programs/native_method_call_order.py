# obj.name(args): CPython looks the method up before it evaluates the
# arguments, so a lookup with effects runs first and a missing attribute
# raises before any argument is evaluated.
actions = []


class Tracer:
    def __init__(self, index):
        self.index = index

    def __getattr__(self, name):
        actions.append(f"get {name}{self.index}")
        if name == "maker":
            return lambda arg, **kw: actions.append(f"call {arg} {kw}") or arg
        return f"arg{self.index}"


def arg(tag):
    actions.append(f"arg {tag}")
    return tag


def decorated_order(c):
    return c.maker(c.arg, key=arg("kw"))


def missing(obj):
    try:
        obj.nope(arg("never"), key=arg("never either"))
    except AttributeError as e:
        return "AttributeError", e.name


class Point:
    def __init__(self, x):
        self.x = x

    def add(self, other):
        return Point(self.x + other.x)

    def scale(self, k):
        return Point(self.x * k)


class Holder:
    def __init__(self):
        self.callback = lambda v: v * 2

    def run(self, x):
        return self.callback(x + 1)


class Base:
    def greet(self, who):
        return f"hello {who}"


class Child(Base):
    def greet(self, who):
        return super().greet(who.upper()) + "!"


def chain(n):
    p = Point(0)
    for i in range(n):
        p = p.add(Point(i).scale(2 + i % 3))
    return p.x


print(decorated_order(Tracer(1)), actions)
actions.clear()
print(missing(object()), actions)
print(chain(100), Holder().run(4), Child().greet("you"))
import math
print(math.floor(2.5 + 1), "-".join(str(i) for i in range(3)), {}.get(str(1), len("ab")))
