from dataclasses import dataclass
from collections import defaultdict, OrderedDict

@dataclass
class Point:
    x: int
    y: int

class NoArgs:
    pass

def describe(v):
    match v:
        case None:
            return "none"
        case True:
            return "true"
        case 0 | 0.0:
            return "zero"
        case int(n) if n < 0:
            return f"negative int {n}"
        case int() | float() as num:
            return f"number {num}"
        case "" | b"":
            return "empty text"
        case str(s):
            return f"str {s!r}"
        case []:
            return "empty seq"
        case [x]:
            return f"one {x}"
        case [x, y] if x == y:
            return f"pair of same {x}"
        case [x, *rest, 9]:
            return f"ends with 9: {x} {rest}"
        case [_, *_, last]:
            return f"last {last}"
        case {"kind": "circle", "r": r, **extra}:
            return f"circle {r} {extra}"
        case {"kind": k}:
            return f"kind {k}"
        case {}:
            return "some mapping"
        case Point(x=0, y=0):
            return "origin"
        case Point(0, y):
            return f"on y axis {y}"
        case Point(x, y) if x == y:
            return f"diagonal {x}"
        case Point(x=px):
            return f"point x={px}"
        case (1, 2) | (2, 1):
            return "one-two"
        case _:
            return "other"

for v in [None, True, False, 0, 0.0, -5, 7, 2.5, "", b"", "hi", [], [1], (2, 2), [1, 2, 3, 9], (1, 2, 3),
          {"kind": "circle", "r": 2, "c": "red"}, {"kind": "sq"}, {"a": 1}, Point(0, 0), Point(0, 4), Point(3, 3),
          Point(1, 2), range(3), OrderedDict(kind="x"), defaultdict(int), object(), [1, 2]]:
    print(type(v).__name__ if type(v) is object else repr(v)[:30], "->", describe(v))

def names():
    match [1, [2, 3], {"k": (4, 5)}]:
        case [a, [b, *c], {"k": (d, e)}] if a > 100:
            pass
        case [a, [b, *c], {"k": (d, e)}]:
            print("bound", a, b, c, d, e)
    match 5:
        case x if x > 10:
            pass
        case _:
            print("x stays bound after a failed guard:", x)

names()

def errors():
    for bad in [lambda v: [v for v in [1]], ]:
        pass
    class M:
        __match_args__ = ("a", "a")
        a = 1
    try:
        match M():
            case M(p, q):
                pass
    except TypeError as e:
        print("TypeError", e)
    try:
        match 1:
            case int(a, b):
                pass
    except TypeError as e:
        print("TypeError", e)
    try:
        match {"a": 1}:
            case {"a": 1, "b": 2}:
                pass
        print("no match")
    except ValueError as e:
        print("ValueError", e)
    try:
        match 3:
            case NoArgs(1):
                pass
    except TypeError as e:
        print("TypeError", e)
    try:
        match 3:
            case len(1):
                pass
    except TypeError as e:
        print("TypeError", e)
    d = defaultdict(list)
    match d:
        case {"missing": _}:
            print("matched?!")
        case _:
            print("defaultdict untouched", dict(d))

errors()

class Cmd:
    __match_args__ = ("op", "arg")
    def __init__(self, op, arg=None):
        self.op, self.arg = op, arg

def run(cmds):
    out = []
    for c in cmds:
        match c:
            case Cmd("push", int(v)) | Cmd("push", float(v)):
                out.append(v)
            case Cmd("pop"):
                out.pop()
            case Cmd(op="dup"):
                out.append(out[-1])
            case Cmd("add" | "mul" as op):
                b, a = out.pop(), out.pop()
                out.append(a + b if op == "add" else a * b)
            case Cmd(op):
                raise ValueError(f"unknown {op}")
    return out

print(run([Cmd("push", 2), Cmd("push", 3.5), Cmd("dup"), Cmd("mul"), Cmd("add")]))
try:
    run([Cmd("nope")])
except ValueError as e:
    print(e)
def fail_in_match(v):
    match v:
        case {"k": int(n)}:
            return 10 // n
fail_in_match({"k": 0})
