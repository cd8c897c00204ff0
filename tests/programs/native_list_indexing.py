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


# Indexing a str by an int: an exact, compact ASCII str answers inline with
# CPython's one-character strs (the same objects); anything else (other
# kinds, subclasses, out of range, other index types) as CPython.
class S(str):
    def __getitem__(self, i):
        return "S[%r]" % (i,)


def chars(s, idx):
    out = []
    for i in idx:
        try:
            c = s[i]
            out.append((c, c is chr(ord(c)) if len(c) == 1 else None))
        except (IndexError, TypeError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out


ascii_text = "DHRYSTONE, 1'ST STRING\x00\x7f"
for s in [ascii_text, "", "x", "caf\u00e9", "\u03b1\u03b2\u03b3", "\U0001f600ab", S("abc"), ascii_text * 40]:
    print(chars(s, [0, 1, 2, -1, -2, len(s) - 1, len(s), -len(s), -len(s) - 1, 2**31 - 1, True, 1.5, 2**70]))
word = "pystone"
print("".join(word[i] for i in range(len(word) - 1, -1, -1)), [word[i] == "t" for i in range(len(word))])
big = "".join(chr(32 + i % 90) for i in range(1000))
total = 0
for i in range(len(big)):
    total += ord(big[i]) * (i % 7)
print(total, big[-1], big[500], sum(1 for i in range(len(big)) if big[i] in "aeiou"))
