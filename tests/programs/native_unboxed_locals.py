# Local variables that only ever receive numbers from inline arithmetic or
# from a range loop stay unboxed between statements; a read that needs the
# object boxes them. Unbound checks, `del`, rebinding to other types,
# loops over other iterables and ranges beyond C longs behave as in CPython.
import sys
def f(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
def g(n):
    t = 0.0
    for i in range(n):
        t = t + i / 2
        if i % 3 == 0:
            t -= 1
    return t, i
def h(n):
    out = []
    for i in range(0, n, 3):
        out.append(i)
        j = i
        j += 1
        out.append(j)
    return out, j
def k(n):
    for i in range(n):
        pass
    del i
    try:
        return i
    except UnboundLocalError as e:
        return str(e)
def m(seq):
    total = 0
    for x in seq:
        total = total + x
    return total
def rev(n):
    r = []
    for i in range(n, -n, -7):
        r.append(i * 2)
    return r
def big():
    s = 0
    for i in range(2**31 - 3, 2**31 + 3):
        s += i
    return s
def neg():
    x = 5
    y = -x
    z = y * y * y
    w = x
    x = 'str'
    return x, y, z, w
def loopvar_escape(n):
    fs = []
    for i in range(n):
        fs.append(str(i))
    return fs
print(f(1000), g(100), h(10), k(3), m([1, 2.5, 3]), m([]), rev(20), big(), neg(), loopvar_escape(5))
def unbound():
    for i in range(0):
        pass
    return i
try:
    unbound()
except UnboundLocalError as e:
    print("UnboundLocalError", e)


def stores(n):
    # a = b = expr, swaps through a tuple, a local read as an object
    # (a call) between numeric updates, and a float that becomes a str.
    a = b = n * 2
    x, y = a + 1, b - 1
    x, y = y, x
    acc = 0.0
    for i in range(n):
        acc = acc + x * 0.5 - y
        label = str(acc)
        acc = acc * 1
    z = acc
    acc = label
    return a, b, x, y, z, acc


print(stores(7))
