# More callers and callees of unboxed entries: decorated functions (the
# predicted callee is never the one called), generators, methods and
# closures as callers, results of mixed types, deleted and rebound
# parameters, keyword and starred calls (not direct).
import functools


def memo_fib(n):
    return n if n < 2 else memo_fib(n - 1) + memo_fib(n - 2)


memo_fib = functools.lru_cache(maxsize=None)(memo_fib)


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        calls.append((fn.__name__, args))
        return fn(*args)

    return wrapper


calls = []


@logged
def tri(n):
    return 0 if n == 0 else n + tri(n - 1)


def mixed(n):
    if n < 0:
        return None
    if n == 0:
        return "zero"
    if n % 2:
        return n * 1.5
    return n // 2


def uses_mixed(k):
    return [mixed(k - 2), mixed(k - 1), mixed(k), mixed(k + 1), mixed(k + 2)]


def gone(n):
    m = n + 1
    del n
    try:
        return n  # noqa: F821
    except UnboundLocalError as e:
        return m, type(e).__name__


def rebound(n):
    n = n * 2
    if n > 10:
        n = str(n)
    return n


def gen(k):
    for i in range(k):
        yield mixed(i + 1) if i % 2 else rebound(i + 4)


class Acc:
    def __init__(self):
        self.total = 0

    def add(self, v):
        self.total = self.total + tri(v) + memo_fib(v + 1)
        return self


def outer(scale):
    def inner(v):
        return rebound(v * scale) if v else gone(scale - 1)

    return inner


print("memo", memo_fib(60), memo_fib.cache_info().hits > 0)
print("tri", tri(5), calls)
print("mixed", uses_mixed(1), uses_mixed(4))
print("gone", gone(3), gone(2.5))
print("rebound", rebound(2), rebound(6), rebound(2.5), rebound(-7))
print("gen", list(gen(6)))
a = Acc()
print("acc", a.add(3).add(4).total)
f = outer(3)
print("closure", f(1), f(2), f(0), outer(0.5)(5))
print("keywords", mixed(n=3), rebound(*[4]), gone(**{"n": 2}))
big = 2**62 - 2
print("edges", rebound(big), mixed(big + 1), mixed(-big), gone(big))
