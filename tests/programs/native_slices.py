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
