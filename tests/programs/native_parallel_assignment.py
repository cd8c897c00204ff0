# `a, b = x, y` stores the values in order without making the tuple; a
# failing value or store leaves the earlier ones done, as in CPython.
class O:
    def __init__(self): self.v = 0
    def __setattr__(self, k, v):
        print("set", k, v); object.__setattr__(self, k, v)
def f():
    a, b = 1, 2
    a, b = b, a
    o = O()
    o.v, a = a + b, o
    [c, d] = 'x', [a]
    l = [0, 0]
    l[0], l[1] = l[1] + 5, len(l)
    try:
        x, y = 1, undefined_name
    except NameError as e:
        print("NameError", e)
    return type(a).__name__, b, c, [type(x).__name__ for x in d], l
print(f())
s = [3, 1, 2]
i, j = 0, 2
s[i], s[j] = s[j], s[i]
print(s)
