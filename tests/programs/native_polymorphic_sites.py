# Attribute and method sites that see several types: each site's cache keeps
# a few entries (the runtime moves a hit to the front); classes changed
# between calls, instances with their own __dict__ entries, __slots__,
# properties and module attributes through the same sites.
import math


class Base:
    def __init__(self, v):
        self.v = v

    def kind(self):
        return "base"

    def twice(self):
        return self.v * 2


class A(Base):
    def kind(self):
        return "a"


class B(Base):
    def kind(self):
        return "b"


class C(Base):
    pass


class D(Base):
    def kind(self):
        return "d"


class E(Base):
    @property
    def v(self):
        return 100

    @v.setter
    def v(self, value):
        pass


class S:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def kind(self):
        return "s"

    def twice(self):
        return self.v * 3


def visit(objs):
    out = []
    for o in objs:
        o.v = o.v + 1
        out.append((o.kind(), o.v, o.twice()))
    return out


def main():
    objs = [A(1), B(2), C(3), D(4), E(5), S(6), Base(7)]
    for round in range(4):
        print(visit(objs))
        if round == 1:
            B.kind = lambda self: "b2"
            objs[2].kind = lambda: "own"
            objs.append(math)
            math.v = 0
            math.kind = lambda: "module"
            math.twice = lambda: "mod2"
    print([getattr(o, "v") for o in objs])


main()
