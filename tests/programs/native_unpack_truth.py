# Unpacking takes every item before storing any (a list changed by a store's
# side effect still unpacks as it was), exact tuples and lists inline, CPython
# 3.11's messages; truth tests of numbers, singletons and ints inline (others
# through __bool__/__len__); small ints boxed from CPython's cache; the
# recursion limit around direct calls (inline counter).
import sys
class D:
    def __init__(self, l): self.l = l
    def __del__(self): self.l.append("del")
def unpack():
    l = [1, 2]
    l[1], l[0] = l
    print(l)
    a, (b, c), [d, e] = 1, [2, 3], (4, 5)
    print(a, b, c, d, e)
    x, y = "xy"
    print(x, y)
    m = [10, 20]
    p = D(m)
    p, q = m    # old p's __del__ appends to m after both are taken
    print(p, q, m)
    for (i, j), k in [((1, 2), 3), ([4, 5], 6)]:
        print(i, j, k)
    try:
        a, b = [1, 2, 3]
    except ValueError as e: print(e)
    try:
        a, b = (1,)
    except ValueError as e: print(e)
    try:
        a, b = 5
    except TypeError as e: print(e)
    g = (i for i in range(2))
    a, b = g
    print(a, b)
unpack()
def truth(vals):
    out = []
    for v in vals:
        out.append(1 if v else 0)
        n = 0
        while v and n < 2:
            n += 1
        out.append(n)
    x = 0
    y = 0.0
    for i in range(3):
        x += i
        y += 0.5 * i
        if x: out.append("x")
        if y: out.append("y")
        if not x - x: out.append("z")
    return out
class B:
    def __bool__(self): raise RuntimeError("no bool")
print(truth([0, 1, -1, 2**40, -2**70, 0.0, 1.5, "", "a", None, True, False, [], [0], (), {}, 1j]))
try:
    if B(): pass
except RuntimeError as e: print(e)
def small(n):
    return [i - 10 for i in range(n)] + [(i * 3) for i in range(250, 260)]
print(small(20))
def rec(n):
    return 0 if n == 0 else 1 + rec(n - 1)
print(rec(500))
try:
    rec(100000)
except RecursionError as e: print(e)
print(rec(500))
sys.setrecursionlimit(3000)
print(rec(2500))
