from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int


@dataclass
class Circle:
    center: Point
    r: int


def describe(obj):
    match obj:
        case 0 | 0.0:
            return "zero"
        case int(n) if n < 0:
            return f"negative int {n}"
        case int() | float():
            return f"number {obj}"
        case str() as s if not s:
            return "empty string"
        case str(s):
            return f"string of {len(s)}"
        case []:
            return "empty list"
        case [x]:
            return f"one item {x}"
        case [x, y, *rest]:
            return f"starts {x}, {y}, then {len(rest)} more"
        case {"type": "user", "name": name, **others}:
            return f"user {name} with {sorted(others)}"
        case {"type": _}:
            return "other mapping"
        case Point(x=0, y=0):
            return "origin"
        case Point(x=x, y=0):
            return f"on x axis at {x}"
        case Circle(Point(x, y), r) if r > 10:
            return f"big circle at {x},{y}"
        case Circle(center=c, r=r):
            return f"circle r={r} at {c}"
        case (1, 2) | (2, 1):
            return "one-two"
        case _:
            return f"unknown {type(obj).__name__}"


for value in [0, -5, 3.5, "", "hello", [], [1], [1, 2, 3, 4], {"type": "user", "name": "ann", "id": 1},
              {"type": "x"}, Point(0, 0), Point(7, 0), Circle(Point(1, 2), 20), Circle(Point(0, 1), 2),
              (2, 1), None]:
    print(repr(value), "->", describe(value))


def command(text):
    match text.split():
        case ["go", ("north" | "south") as direction]:
            return f"going {direction}"
        case ["take", *items] if items:
            return f"taking {', '.join(items)}"
        case ["quit" | "exit"]:
            return "bye"
        case _:
            return "?"


print([command(t) for t in ["go north", "go west", "take lamp key", "take", "exit"]])
