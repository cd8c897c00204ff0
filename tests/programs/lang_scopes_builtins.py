import builtins

x = "global"


def outer():
    x = "enclosing"

    def inner():
        return x

    class Local:
        y = x
        z = [x for _ in range(1)]

    return inner(), Local.y, Local.z


print(outer())
print(sorted(k for k in locals() if not k.startswith("__"))[:5])


def uses_locals(a, b=2):
    c = a + b
    return sorted(locals().items())


print(uses_locals(1))
print(eval("x + '!'"), eval("a * 2", {"a": 21}), eval("len(s)", {}, {"s": "abc"}))
ns = {}
exec("def f(n):\n    return n * 3\nresult = f(5)", ns)
print(ns["result"], sorted(k for k in ns if k != "__builtins__"))
code = compile("sum(range(n))", "<expr>", "eval")
print(eval(code, {"n": 10}), code.co_filename, type(code).__name__)
print(vars(type("T", (), {"a": 1}))["a"], callable(len), getattr(builtins, "len") is len, hasattr(builtins, "print"))
print(isinstance(True, int), type(None).__name__, id(None) == id(None), all([]), any([]), divmod(7, 2), abs(-3))
print(list(map(str.upper, "ab")), list(filter(None, [0, 1, "", "x"])), list(zip("ab", "cd", "ef")), list(reversed(range(3))))
print(sorted({3: "c", 1: "a"}), min("bca"), max([], default="empty"), sum([[1], [2]], []), list(enumerate("ab", 1)))
print(hash(1) == hash(1.0), bin(10), round(3.14159, 2), pow(2, 10), chr(65) + str(ord("B")), format(0.5, ".0%"))
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)
try:
    undefined_function()
except NameError as e:
    print("NameError:", e)
