"""len, ord, chr, abs, isinstance, min and max called by their global
names: generated code answers the common cases through the runtime's fast
paths when the name still finds the builtin, and everything else (other
types, subclasses, errors, a rebound name) as CPython does."""
import abc
import builtins


def show(thunk):
    try:
        print(repr(thunk()))
    except Exception as e:
        print(type(e).__name__ + ":", e)


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


class MyStr(str):
    pass


class MyInt(int):
    def __abs__(self):
        return "abs of MyInt"


class Base:
    pass


class Derived(Base):
    pass


class Meta(abc.ABC):
    pass


Meta.register(int)


class Proxy:
    # isinstance() asks __class__ when the type itself says no.
    @property
    def __class__(self):
        return Base


def lengths():
    print(len([1, 2, 3]), len((1,)), len("héllo"), len(""), len({1: 2}), len({1, 2}), len(frozenset()))
    print(len(b"abc"), len(bytearray(b"ab")), len(range(10)), len(Sized(300)), len("x" * 1000))
    show(lambda: len(5))
    show(lambda: len(Sized(-1)))
    show(lambda: len(Sized(2**70)))
    show(lambda: len(Sized("3")))
    s = "abc"
    total = 0
    for i in range(1000):
        total += len(s) + len([i])
    print(total)


def characters():
    print(ord("A"), ord("é"), ord("€"), ord("😀"), ord(b"a"), ord(bytearray(b"z")), ord(MyStr("q")))
    print(chr(65), chr(233), chr(0x20AC), chr(0x1F600), chr(0), chr(0x10FFFF) == "\U0010ffff", chr(True))
    show(lambda: ord("ab"))
    show(lambda: ord(""))
    show(lambda: ord(5))
    show(lambda: chr(-1))
    show(lambda: chr(0x110000))
    show(lambda: chr(2**40))
    show(lambda: chr("a"))
    show(lambda: chr(1.5))
    c = "A"
    out = []
    while c <= "E":
        out.append(c)
        c = chr(ord(c) + 1)
    print("".join(out), chr(ord("a") + 25) is chr(122))
    # Around the inline paths' edges: the ASCII range's ends, the first
    # Latin-1 character, ints of no digit and of two digits, an int
    # subclass, characters taken out of longer and wider strs.
    print([ord(chr(i)) for i in (0, 1, 126, 127, 128, 255, 256, 2**16, 0x10FFFF)])
    print(ascii([chr(i) for i in range(124, 131)]), chr(-0) == "\x00", chr(MyInt(66)), chr(False) == "\x00")
    ab, delete = "AB", "\x7f"
    print(chr(65) is ab[0], chr(127) is delete, ord("xyz"[2]), ord("é!"[1]), ord("😀x"[1]), ord(MyStr("qq")[0]))
    for bad in (-2**40, -128, 2**31, 2**62):
        show(lambda: chr(bad))
    show(lambda: ord(MyStr("ab")))
    show(lambda: ord(None))


def absolute_values():
    print(abs(-3), abs(3), abs(0), abs(-2**40), abs(-2**100), abs(-1.5), abs(-0.0), abs(float("-inf")))
    print(abs(True), abs(-5 + 0j), abs(MyInt(-4)), abs(float("nan")))
    show(lambda: abs("x"))
    x = -1073741823  # one digit's largest magnitude
    print(abs(x), abs(x - 1), type(abs(-7)).__name__, type(abs(-7.0)).__name__)


def instances():
    d = Derived()
    print(isinstance(d, Derived), isinstance(d, Base), isinstance(d, object), isinstance(Base(), Derived))
    print(isinstance(3, int), isinstance(True, int), isinstance(3, bool), isinstance("s", (int, str)))
    print(isinstance(3, Meta), isinstance("s", Meta), isinstance(Proxy(), Base), isinstance(Proxy(), Proxy))
    print(isinstance(int, type), isinstance(Meta, abc.ABCMeta), isinstance(d, ()))
    show(lambda: isinstance(3, 5))
    show(lambda: isinstance(3, (int, 5)))
    show(lambda: isinstance(3, "str"))


def extremes():
    nan = float("nan")
    print(min(1, 2), min(2, 1), max(1, 2), max(2, 1), min(-5, 5), max(-2**40, 3), min(2**70, 1))
    print(min(1.5, 2.5), max(1.5, 2.5), min(nan, 1.0), min(1.0, nan), max(nan, 1.0), max(1.0, nan))
    print(min(1, 1.0), max(1.0, 1), min(True, 0), max(False, 0), min(0.0, -0.0), max(-0.0, 0.0))
    print(min("b", "a"), max("b", "a"), min((1, 2), (1, 1)), max([1], [2]))
    a, b = 1000, 1000.0
    print(min(a, b) is a, max(a, b) is a)
    show(lambda: min(1, "a"))
    show(lambda: max("a", 1))
    total = 0
    for i in range(100):
        total += min(i, 50) + max(i, 90)
    print(total)


def rebound():
    # A module-level name shadows the builtin: the fast path must not answer.
    global len
    len = lambda o: "module len"
    print(len([1, 2]))
    del len
    print(len([1, 2]))
    saved = builtins.ord
    builtins.ord = lambda c: "patched ord"
    try:
        print(ord("A"))
    finally:
        builtins.ord = saved
    print(ord("A"))


def local_names():
    abs = lambda x: "local abs"
    print(abs(-1))

    def inner():
        return abs(-2)

    print(inner())


lengths()
characters()
absolute_values()
instances()
extremes()
rebound()
local_names()
