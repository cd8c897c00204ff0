# Starred assignment targets (UNPACK_EX) in native code: every position,
# any iterable, CPython's errors.


def split(seq):
    first, *rest = seq
    *init, last = seq
    a, *middle, z = seq
    return first, rest, init, last, a, middle, z


def nested(pairs):
    out = []
    for key, (head, *tail) in pairs:
        out.append((key, head, tail))
    return out


def only_star(it):
    *everything, = it
    return everything


def errors(seq):
    try:
        a, b, *c, d = seq
        return a, b, c, d
    except ValueError as e:
        return str(e)


def into_attributes_and_items():
    class Box:
        pass

    box, d = Box(), {}
    box.first, *d["rest"] = "xyz"
    return box.first, d


print(split([1, 2, 3, 4, 5]))
print(split("ab"))
print(split(range(3)))
print(nested([("k", [1, 2, 3]), ("j", (4,))]))
print(only_star(x * x for x in range(4)))
print(errors([1]))
print(errors((1, 2)))
print(errors(iter([1, 2, 3])))
print(errors([1, 2, 3, 4, 5, 6]))
try:
    errors(5)
except TypeError as e:
    print(e)
print(into_attributes_and_items())
