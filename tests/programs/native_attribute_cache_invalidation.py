# Attribute caches of compiled code against what can change without a new
# version of the class they were filled for (CPython's test_opcache): a
# descriptor's own class gaining __get__/__set__, and a slot's member
# descriptor borrowed by an unrelated class (reading or writing through it
# must raise TypeError, never touch that offset of another object).


class Descriptor:
    pass


class C:
    def __init__(self):
        self.x = 1

    x = Descriptor()


def read_x(o):
    return o.x


o = C()
print([read_x(o) for _ in range(1100)][-1])
Descriptor.__get__ = lambda self, instance, owner: 2
Descriptor.__set__ = lambda *args: None
print(read_x(o))


class Slotted:
    __slots__ = ("slot",)


class Sneaky:
    __slots__ = ("shadowed",)
    shadowing = Slotted.slot


class Borrower:
    borrowed = Slotted.slot


def load(o):
    return o.shadowing


def store(o, v):
    o.borrowed = v


s = Sneaky()
s.shadowed = 42
b = Borrower()
errors = 0
for _ in range(1100):
    try:
        load(s)
    except TypeError:
        errors += 1
    try:
        store(b, 42)
    except TypeError as e:
        errors += 1
        last = e
print(errors, last)

# A slot read through its own class keeps working alongside.
t = Slotted()
t.slot = "own"


def read_slot(o):
    return o.slot


print([read_slot(t) for _ in range(1100)][-1])


class Plain:
    pass


class Holder:
    value = Plain()

    def __init__(self):
        self.value = "instance"


def read_value(h):
    return h.value


h = Holder()
print([read_value(h) for _ in range(1100)][-1])
Plain.__get__ = lambda self, inst, owner: "descriptor get"
Plain.__set__ = lambda self, inst, value: None
print(read_value(h))
