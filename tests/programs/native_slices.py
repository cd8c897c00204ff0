# o[lo:hi] slices an exact list, tuple or str without a slice object; other
# containers, subclasses, steps, __index__ bounds and bad bounds as CPython.
class I:
    def __index__(self): return 2
class L(list):
    def __getitem__(self, k): return ("L", k)
def f():
    l = list(range(10)); t = tuple(l); s = "héllo wörld"
    print(l[2:5], l[:3], l[7:], l[:], l[-3:-1], l[5:2], l[-100:100], l[I():5], l[1:I()], l[None:None])
    print(t[2:5], t[:], t[:] is t, s[1:4], s[:], s[-3:], s[20:30])
    print(L([1,2])[1:2], bytearray(b"abc")[1:], b"xyz"[:2], range(10)[2:5])
    for bad in (1.5, "a"):
        try: l[bad:]
        except TypeError as e: print(e)
        try: s[:bad]
        except TypeError as e: print(e)
    try: {}[1:2]
    except TypeError as e: print(e)
    print(l[::2], l[::-1], s[::-1])
    big = 2**70
    print(l[-big:big], s[big:])
f()


class Idx:
    def __init__(self, i):
        self.i = i

    def __index__(self):
        print("index", self.i)
        return self.i


class Logged(list):
    def __setitem__(self, k, v):
        print("setitem", k, v)
        super().__setitem__(k, v)


def assign():
    # o[lo:hi] = v stores into an exact list without a slice object.
    l = list(range(8))
    l[2:4] = ["a", "b", "c"]
    print(l)
    l[-3:] = ()
    l[:1] = (x * 10 for x in range(2))
    l[100:] = "xy"
    l[-100:1] = []
    print(l, len(l))
    l[:] = l
    l[1:1] = l
    print(l)
    l[Idx(1):Idx(-1)] = [None]
    l[True:False] = [7]
    big = 2**70
    l[-big:-big] = [0]
    l[big:] = [99]
    print(l)
    a = [1, 2, 3]
    a[0:1] = b = [5, 6]
    print(a, b)
    for bad in [5, None, 1.5]:
        try:
            a[0:1] = bad
        except TypeError as e:
            print("TypeError:", e)
    try:
        a["x":] = [1]
    except TypeError as e:
        print("TypeError:", e)
    g = Logged([1, 2, 3])
    g[1:] = [9]
    ba = bytearray(b"hello")
    ba[1:3] = b"EY"
    t = (1, 2)
    try:
        t[0:1] = [3]
    except TypeError as e:
        print("TypeError:", e)
    d = {}
    try:
        d[1:2] = [3]
    except TypeError as e:
        print("TypeError:", e)
    print(g, ba, a)
    perm = list(range(6))
    for k in range(1, 6):
        perm[:k + 1] = perm[k::-1]
    print(perm)


assign()
