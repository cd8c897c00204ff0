"""Inline caches of compiled code (globals, attributes, methods) must see
every change CPython's own lookups would see."""
import math


def counter():
    return len(VALUES)


VALUES = [1, 2, 3]


def use_global():
    return counter() + len(VALUES)


def rebinding():
    global VALUES
    out = [use_global()]
    VALUES = [1]
    out.append(use_global())
    del VALUES
    try:
        use_global()
    except NameError as e:
        out.append(str(e))
    VALUES = (5, 6)
    out.append(use_global())
    return out


def shadow_builtin():
    return len("abc")


def shadowing():
    global len
    out = [shadow_builtin()]
    len = lambda s: 100
    out.append(shadow_builtin())
    del len
    out.append(shadow_builtin())
    import builtins
    saved = builtins.len
    builtins.len = lambda s: -1
    out.append(shadow_builtin())
    builtins.len = saved
    out.append(shadow_builtin())
    return out


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a):
        self.a = a


class PointView:
    @property
    def x(self):
        return "view"


class Lazy:
    def __getattr__(self, name):
        return "lazy " + name


def get_x(o):
    return o.x


def set_x(o, v):
    o.x = v


def call_norm(o):
    return o.norm1()


def attributes():
    out = []
    p = Point(1, -2)
    for _ in range(3):
        out.append(get_x(p))
    set_x(p, 10)
    out.append(get_x(p))
    # A property added to the class afterwards takes over.
    Point.x = property(lambda self: "prop", lambda self, v: out.append(("set", v)))
    out.append(get_x(p))
    set_x(p, 11)
    del Point.x
    out.append(get_x(p))
    # Deleted instance attribute.
    del p.x
    try:
        get_x(p)
    except AttributeError as e:
        out.append(str(e))
    set_x(p, 3)
    # Materialised __dict__ and then a new attribute through it.
    p.__dict__["x"] = 4
    out.append(get_x(p))
    # Different types at one site.
    s = Slotted(7)
    for o in (p, s, Lazy(), p, s):
        try:
            out.append(get_x(o))
        except AttributeError as e:
            out.append(str(e))
    try:
        set_x(s, 1)
    except AttributeError as e:
        out.append(str(e))
    q = Point(5, 5)
    out.append(get_x(q))
    q.__class__ = PointView
    out.append(get_x(q))
    return out


def getter_a(o):
    return o.a


def slots():
    s = Slotted(1)
    out = [getter_a(s), getter_a(s)]
    del s.a
    try:
        getter_a(s)
    except AttributeError as e:
        out.append(str(e))
    return out


def methods():
    out = []
    p = Point(3, 4)
    out.append(call_norm(p))
    out.append(call_norm(p))
    # An instance attribute shadows the method.
    p.norm1 = lambda: "instance"
    out.append(call_norm(p))
    del p.norm1
    out.append(call_norm(p))
    # The class's method replaced.
    old = Point.norm1
    Point.norm1 = lambda self: "replaced"
    out.append(call_norm(p))
    Point.norm1 = old
    out.append(call_norm(p))
    # Builtin types and modules.
    items = []
    for i in range(3):
        items.append(i)
    out.append(items)
    out.append(math.floor(2.5))
    saved = math.floor
    math.floor = lambda v: "patched"
    out.append(math.floor(2.5))
    math.floor = saved
    out.append(math.floor(2.5))
    return out


class Redefines:
    def step(self):
        Redefines.step = lambda self: "second"
        return "first"


class Many:
    def __init__(self, i):
        self.i = i


def late_attributes():
    # Enough instances that CPython stops growing the shared keys: the late
    # attributes then live in real instance dicts.
    objs = [Many(i) for i in range(40)]
    for o in objs:
        o.late = o.i * 2
        o.later = -o.i
    total = 0
    for o in objs:
        o.late += 1
        total += o.late + o.later + o.i
    objs[3].__dict__["late"] = 1000
    del objs[4].late
    out = [total, get_late(objs[3])]
    try:
        get_late(objs[4])
    except AttributeError as e:
        out.append(str(e))
    out.append(get_late(objs[5]))
    return out


def get_late(o):
    return o.late


def redefining():
    r = Redefines()
    return [r.step(), r.step()]


class Color:
    """Colours."""

    RED = 1
    GREEN = 2

    class Inner:
        def __init__(self):
            pass

    def plain(self):
        return "plain"

    @classmethod
    def made(cls):
        return cls.__name__

    @staticmethod
    def static():
        return "static"

    @property
    def prop(self):
        return "prop"


class Shade(Color):
    GREEN = 20


class Meta(type):
    BLUE = "meta blue"

    def __getattr__(cls, name):
        return "meta getattr " + name

    def meta_method(cls):
        return "meta method " + cls.__name__


class Painted(metaclass=Meta):
    RED = "painted red"


def read_red(cls):
    return cls.RED


def class_attributes():
    # Attributes read from the class itself, at one site.
    out = [Color.RED, Color.GREEN, Shade.RED, Shade.GREEN, Color.Inner.__name__, Color.plain(None)]
    out += [Color.made(), Shade.made(), Color.static(), type(Color.prop).__name__, Color.__name__]
    out += [Color.__doc__, Shade.__doc__, Painted.RED, Painted.BLUE, Painted.missing, Color.__dict__["RED"]]
    out.append([read_red(c) for c in [Color, Shade, Painted, Color, Shade]])
    Color.RED = 10  # the version tag changes
    out.append([read_red(c) for c in [Color, Shade]])
    Shade.RED = 11
    out.append([read_red(c) for c in [Color, Shade]])
    del Shade.RED
    out.append(read_red(Shade))
    del Color.RED
    try:
        read_red(Shade)
    except AttributeError as e:
        out.append("AttributeError: " + str(e))
    Color.RED = 1
    Color.plain = lambda self: "replaced"
    out.append([Color.plain(None), read_red(Color), read_red(type("Made", (Color,), {"RED": 5}))])
    try:
        read_red(int)
    except AttributeError as e:
        out.append("AttributeError: " + str(e))
    # Methods called on the class: functions, staticmethods, classmethods.
    calls = []
    for cls in [Color, Shade, Color]:
        calls.append((cls.static(), cls.made(), cls.Inner().__class__.__name__))
    calls.append((Painted.meta_method(), Painted.mro()[0].__name__, Color.mro()[1].__name__))
    Color.static = staticmethod(lambda: "new static")
    Color.made = classmethod(lambda cls: "new made " + cls.__name__)
    calls.append((Color.static(), Shade.made(), Color.plain(3), Shade.plain(4), Color.made.__name__))
    Color.made = classmethod(property(lambda cls: "wrapped property"))
    try:
        calls.append(Color.made())
    except TypeError as e:
        calls.append("TypeError: " + str(e))
    try:
        Color.static(1)
    except TypeError as e:
        calls.append("TypeError: " + str(e))
    out.append(calls)
    return out


print(rebinding())
print(shadowing())
print(attributes())
print(slots())
print(methods())
print(redefining())
print(late_attributes())
print(get_x(Point(None, 0)))
print(class_attributes())
get_x(42)
