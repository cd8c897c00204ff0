import abc
import enum
from typing import NamedTuple, TypedDict, Generic, TypeVar, Optional, get_type_hints, Protocol, runtime_checkable

T = TypeVar("T")


class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: list[T] = []

    def push(self, item: T) -> None:
        self.items.append(item)

    def pop(self) -> Optional[T]:
        return self.items.pop() if self.items else None


class Employee(NamedTuple):
    name: str
    level: int = 1


class Movie(TypedDict, total=False):
    title: str
    year: int


@runtime_checkable
class Closer(Protocol):
    def close(self) -> None: ...


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self) -> float: ...

    def describe(self):
        return f"{type(self).__name__} with area {self.area():.1f}"


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Perm(enum.IntFlag):
    R = 4
    W = 2
    X = 1


class Status(enum.StrEnum):
    OK = enum.auto()
    FAILED = enum.auto()


s = Stack[int]()
s.push(1)
s.push(2)
print(s.pop(), s.pop(), s.pop(), Stack[int].__origin__ is Stack)
e = Employee("ann")
print(e, e._replace(level=3), Employee._field_defaults)
m: Movie = {"title": "Up"}
print(m, Movie.__total__, sorted(get_type_hints(Movie)))
print(isinstance(open.__class__, type), isinstance(__import__("io").StringIO(), Closer), isinstance(1, Closer))
print(Square(3).describe())
try:
    Shape()
except TypeError as err:
    print("TypeError:", err)
print(Color.RED, Color(2), Color["BLUE"].value, [c.name for c in Color], Color.RED is Color.RED)
print(Perm.R | Perm.W, (Perm.R | Perm.X).value, Perm.W in (Perm.R | Perm.W), Status.OK, Status.FAILED.upper())
print(get_type_hints(Stack.push), Optional[int], list[dict[str, int]])
