# Displays with * and ** items, built left to right as CPython builds them.
def trace(label, value):
    print("eval", label)
    return value


def displays(a, b, s, m):
    print([*a, 1, *b], (*a,), (0, *b, 9), sorted({*a, *s, 7}, key=str))
    print({**m, "z": 26, **{"y": 25}}, {"a": 0, **m}, {**m, "k": 2})
    x = [*range(3)]
    t = *x, *x
    print(x, t, type(t).__name__, [*"ab", *b"c"])
    print([trace(1, 1), *trace(2, [2]), trace(3, 3)])
    print({trace("k", "k"): trace("v", 1), **trace("m", {"n": 2})})
    for bad in (5, None):
        try:
            print([*a, *bad])
        except TypeError as e:
            print("list:", e)
        try:
            print({*a, *bad})
        except TypeError as e:
            print("set:", e)
        try:
            print((*bad,))
        except TypeError as e:
            print("tuple:", e)
        try:
            print({**m, **bad})
        except TypeError as e:
            print("dict:", e)
    return [*a, *5]


displays([1, 2], (3,), "ab", {"k": 1})
