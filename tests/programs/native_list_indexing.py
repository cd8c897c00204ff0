# Indexing an exact list by an int (unboxed or not, negative from the end)
# is inline; other containers, subclasses, bools, floats, big ints and
# out-of-range indexes take CPython's path and its errors.
def f(n):
    l = list(range(10))
    t = 0
    for i in range(n):
        t += l[i % 10] + l[-1 - i % 10]
        l[i % 10] = i * 2
        l[-(i % 3) - 1] = t * 0.5
    return t, l
print(f(50))
def g():
    l = [1, 2, 3]
    out = []
    for k in [0, 2, -1, -3, 3, -4, True, 1.0, 10**20]:
        try:
            out.append(l[k])
        except (IndexError, TypeError) as e:
            out.append(f"{type(e).__name__}: {e}")
        try:
            l[k] = k
        except (IndexError, TypeError) as e:
            out.append(f"{type(e).__name__}: {e}")
    t = (1, 2, 3)
    out.append(t[1])
    d = {1: 'a'}
    out.append(d[1])
    s = 'abc'
    out.append(s[1])
    class L(list):
        def __getitem__(self, i): return 'sub'
    out.append(L([1])[0])
    return out, l
print(g())
