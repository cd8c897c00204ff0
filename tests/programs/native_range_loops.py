# for x in range(...) counts in wasm locals when range is the builtin and the
# arguments small ints: every sign of step, empty ranges, big ints, bools,
# floats and a zero step (CPython's errors), a shadowed or patched range,
# break/else, closures over the loop variable, generators and
# comprehensions (real iterators), and a traceback from inside the loop.
def f(n):
    t = 0
    for i in range(n):
        t += i
    for i in range(3, n, 2):
        t += i
    for i in range(n, -7, -3):
        t -= i
    for i in range(2**61, 2**61 + 3):
        t += i
    for i in range(5, 5):
        t += 1000
    out = []
    for j in range(-3, 4):
        for k in range(j):
            out.append((j, k))
    for i in range(0, 10, 3):
        out.append(i)
    else:
        out.append("else")
    for i in range(10):
        if i == 4:
            break
    out.append(i)
    range_ = range
    for i in range_(2, 4):
        out.append(i)
    try:
        for i in range(1, 10, 0):
            pass
    except ValueError as e:
        out.append(str(e))
    try:
        for i in range(1.5):
            pass
    except TypeError as e:
        out.append(str(e))
    try:
        for i in range(True, 3):
            out.append(i)
    except TypeError as e:
        out.append(str(e))
    return t, out
print(f(20))
def g():
    range = lambda *a: [a]
    for i in range(1, 2):
        print("shadowed", i)
g()
import builtins
orig = builtins.range
builtins.range = lambda *a: ["patched"]
def h():
    for i in range(3):
        print(i)
h()
builtins.range = orig
def cells(n):
    fs = []
    for i in range(n):
        fs.append(lambda: i)
    return [f() for f in fs]
print(cells(3))
def gen(n):
    for i in range(n):
        yield i * 2
print(list(gen(4)))
print([x * x for x in range(5)], [(a, b) for a in range(3) for b in range(a)])
def boom(n):
    for i in range(n):
        1 / (i - 2)
boom(5)
