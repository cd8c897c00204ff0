import abc, dataclasses, enum
from typing import NamedTuple

class Base:
    """Base doc."""
    count = 0
    x: int = 5
    y: "str"
    def __init__(self, v):
        self.v = v
        Base.count += 1
    def __repr__(self):
        return f"{type(self).__name__}({self.v!r})"
    def __init_subclass__(cls, tag=None, **kw):
        super().__init_subclass__(**kw)
        cls.tag = tag

class Child(Base, tag="child"):
    items = [i * 2 for i in range(3)]
    def __init__(self, v):
        super().__init__(v * 10)
    @property
    def double(self):
        return self.v * 2
    del items

class Meta(type):
    def __new__(mcs, name, bases, ns, **kw):
        ns["made_by"] = "Meta"
        return super().__new__(mcs, name, bases, ns)
    @classmethod
    def __prepare__(mcs, name, bases, **kw):
        return {"prepared": True}

class WithMeta(metaclass=Meta):
    seen = prepared

@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
    def norm(self):
        return abs(self.x) + abs(self.y)

class Color(enum.Enum):
    RED = 1
    GREEN = 2

class Pair(NamedTuple):
    a: int
    b: str = "b"

class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self): ...

def make(n):
    class Local:
        size = n
        def get(self):
            return self.size + n
    return Local

class Desc:
    def __set_name__(self, owner, name):
        self.name = name
    def __get__(self, obj, objtype=None):
        return "desc:" + self.name

class UsesDesc:
    d = Desc()

class Outer:
    class Inner:
        __secret = 1
        def reveal(self):
            return self.__secret

print(Base.__doc__, Base.__annotations__, Base.__module__, Base.__qualname__, Base.x)
print(Child(3), Child(3).double, Child.tag, Base.count, hasattr(Child, "items"))
print(WithMeta.made_by, WithMeta.seen)
print(Point(3, -4), Point(3, -4).norm(), Point.__annotations__)
print(Color.RED, list(Color), Pair(1), Pair._fields)
try:
    Shape()
except TypeError as e:
    print(e)
L = make(4)
print(L().get(), L.__qualname__)
print(UsesDesc().d, Outer.Inner().reveal(), Outer.Inner.__qualname__, Outer.Inner._Inner__secret)
class Bad:
    del missing
