from dataclasses import dataclass, field, asdict, astuple, replace, FrozenInstanceError, fields


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    patch: int = 0
    tags: list = field(default_factory=list, compare=False)

    def __post_init__(self):
        if self.major < 0:
            raise ValueError("negative major")


@dataclass(frozen=True)
class Point:
    x: float
    y: float = 0.0

    @property
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5


vs = [Version(1, 2), Version(1, 0, 5), Version(0, 9, tags=["beta"]), Version(1, 2, 0)]
print(sorted(vs))
print(vs[0] == vs[3], vs[0] < Version(2), asdict(vs[2]), astuple(vs[1]))
print([f.name for f in fields(Version)])
p = Point(3, 4)
print(p, p.norm, hash(p) == hash(Point(3, 4)), replace(p, y=0))
try:
    p.x = 1
except FrozenInstanceError as e:
    print("FrozenInstanceError:", e)
try:
    Version(-1)
except ValueError as e:
    print("ValueError:", e)
print(repr(Version(3, tags=["x"])))
