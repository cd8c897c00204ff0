# A comparison used as a value (True/False) is inline for ints and floats;
# other types take CPython's path. Tuples indexed by ints are read inline.
# comparisons as values and tuple indexing
vals = [0, 1, -1, 2**29, 2**31, 2**62, 2**70, 0.0, -0.5, 1.0, float("inf"), float("nan"), True, False, None, "a", (1,)]
def cmps():
    out = []
    for a in vals:
        for b in vals:
            row = []
            for op in range(6):
                try:
                    if op == 0: r = a < b
                    elif op == 1: r = a <= b
                    elif op == 2: r = a == b
                    elif op == 3: r = a != b
                    elif op == 4: r = a > b
                    else: r = a >= b
                    row.append(r)
                except TypeError as e:
                    row.append("T")
            out.append(row)
    return out
res = cmps()
print(sum(1 for r in res for x in r if x is True), sum(1 for r in res for x in r if x is False), sum(1 for r in res for x in r if x == "T"))
print(res[:20])
def tup(t, n):
    s = 0
    for i in range(-n, n):
        s += t[i]
    return s
t = tuple(range(100))
print(tup(t, 100), tup(t, 50))
class T(tuple):
    def __getitem__(self, i): return 1
print(tup(T((1, 2, 3)), 3))
try: tup(t, 101)
except IndexError as e: print(e)
print((1, 2)[True], (1, 2)[-2])


# Membership in lists and tuples: ints and strs compared by value, every
# other element through its __eq__ (in order, element first, errors kept).
class Eq:
    def __init__(self, v, log):
        self.v, self.log = v, log

    def __eq__(self, other):
        self.log.append(("eq", self.v, other))
        if other == "boom":
            raise ValueError("boom in __eq__")
        return self.v == other


class Shrinks:
    def __init__(self, lst):
        self.lst = lst

    def __eq__(self, other):
        self.lst.clear()
        return False


def members():
    log = []
    big = 2**70
    nan = float("nan")
    items = [1, "a", 2.0, big, True, None, Eq(7, log), (1, 2), nan, "é€", -5]
    probes = [1, 2, 3, "a", "b", big, 2**70, 1.0, 2, True, False, 0, None, 7, (1, 2), nan, float("nan"), "é€", -5]
    print([p in items for p in probes], [p in tuple(items) for p in probes], log)
    print([p not in items for p in [1, 4, "a", "z"]], 300 in list(range(1000)), 1000 in tuple(range(1000)))
    try:
        "boom" in [1, Eq(1, log)]
    except ValueError as e:
        print("ValueError:", e)
    lst = [0]
    lst.insert(0, Shrinks(lst))
    print(5 in lst, lst)
    print(1 in [True], 0 in (False,), "a" in ["A".lower()], "x" in [], 3 in (), [1] in [[1]], 2 in {2: 0}, 2 in {2})


members()


# One-character strs: ASCII ones are compared inline by their character,
# everything else (longer, empty, Latin-1, wider, subclasses, other types)
# by CPython.
class Letter(str):
    def __eq__(self, other):
        return "Letter.__eq__"

    def __lt__(self, other):
        return "Letter.__lt__"

    __hash__ = str.__hash__


chars = ["a", "b", "B", "\0", "\x7f", "\x80", "é", "α", "😀", "", "ab", "a" * 3, Letter("a"), chr(97), "abc"[0], 97]


def char_rows():
    rows = []
    for a in chars:
        row = []
        for b in chars:
            for op in range(6):
                try:
                    if op == 0:
                        r = a < b
                    elif op == 1:
                        r = a <= b
                    elif op == 2:
                        r = a == b
                    elif op == 3:
                        r = a != b
                    elif op == 4:
                        r = a > b
                    else:
                        r = a >= b
                    row.append(r if isinstance(r, str) else "TF"[r is False] if r in (True, False) else repr(r))
                except TypeError:
                    row.append("E")
            # ... and as conditions
            try:
                row.append("<" if a < b else ">=")
                row.append("==" if a == b else "!=")
            except TypeError:
                row.append("E")
        rows.append("".join(x if len(x) == 1 else "[" + x + "]" for x in row))
    return rows


for r in char_rows():
    print(r)
word = "DHRYSTONE"
print([c for c in word if "D" <= c <= "R"], [c == "Y" for c in word], sum(1 for c in word if c != "N"))
