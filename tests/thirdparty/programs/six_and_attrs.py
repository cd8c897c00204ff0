# six (one module; six.moves is made of lazy modules its own meta path
# finder serves) and attrs (classes generated from annotations).
import attr
import attrs
import six
from six.moves import urllib_parse, reduce


@attrs.define
class Point:
    x: int
    y: int = 0

    def norm1(self):
        return abs(self.x) + abs(self.y)


@attr.s(frozen=True)
class Tag:
    name = attr.ib(converter=str.lower)


p = Point(3, -4)
print(p, p.norm1(), attrs.asdict(p))
print(Point(1) == Point(1, 0), attrs.fields(Point).y.default)
t = Tag("HTML")
print(t, attr.evolve(t, name="Body"))
try:
    t.name = "x"
except attr.exceptions.FrozenInstanceError as e:
    print("frozen:", type(e).__name__)
print(six.PY3, six.text_type is str, six.ensure_str(b"bytes"))
print(urllib_parse.quote("a b&c"), reduce(lambda a, b: a * b, range(1, 6)))
print(six.moves.range is range, list(six.iteritems({"k": 1})))
