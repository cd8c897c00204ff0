from __future__ import annotations
import typing

def f(a: int, b: "str" = "x", *args: tuple[int, ...], c: dict[str, list[int | None]] | None = None,
      **kw: typing.Callable[[int], str]) -> list[typing.Optional["Node"]]:
    return a

def g(x: -1, y: 1 + 2 * 3, z: (1, 2), w: [a for a in b], v: lambda q: q, u: a if b else c, t: f"{x!r:>{w}}") -> None: ...

def h(p: not x, q: a and b or c, r: x[1:2, ::3], s: {1: 2, **d}, t: {1, 2}, v: x.y.z(1, k=2, *a, **b), w: 1e10, xx: 'it\'s', yy: b"by", zz: ...): ...

class C:
    x: int
    y: list[C] = []
    z: "quoted"
    def m(self, other: C) -> C | None: ...

print(f.__annotations__)
print(g.__annotations__)
print(h.__annotations__)
print(C.__annotations__)
print(C.m.__annotations__)

def k(*args: *Ts): ...
print(k.__annotations__)
