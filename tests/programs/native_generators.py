"""Generators compiled natively: iteration, send/throw/close, generator
expressions, yields inside loops, try and with, frames and tracebacks."""
import inspect


def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return "done"


def nested(rows):
    for r in range(rows):
        for c in range(r):
            if (r + c) % 2:
                continue
            yield r, c


def echo():
    received = []
    try:
        while True:
            x = yield len(received)
            if x is None:
                break
            received.append(x)
    finally:
        received.append("closed")
    return received


def guarded():
    try:
        yield 1
        yield 2
    except ValueError as e:
        yield "caught " + str(e)
    finally:
        print("guarded cleanup")


def with_cell(a, *rest, key=None):
    total = a

    def add(v):
        nonlocal total
        total += v
        return total

    for r in rest:
        yield add(r)
    yield key, total


def make_counter(start):
    def gen():
        n = start
        while True:
            yield n
            n += 1
    return gen


def leaks_stop():
    yield 1
    raise StopIteration("inner")


class Resource:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, *exc):
        self.log.append("exit %s" % (exc[0].__name__ if exc[0] else None))


def in_with(log):
    with Resource(log):
        yield "inside"
        yield "still inside"


def tree(n):
    if n == 0:
        yield "leaf"
        return
    for child in (tree(n - 1), tree(n - 1)):
        for x in child:
            yield "%d.%s" % (n, x)


def run():
    g = count(3)
    print(list(g), next(count(0), "empty"))
    try:
        c = count(1)
        next(c)
        next(c)
    except StopIteration as e:
        print("return value", e.value)
    print(list(nested(5)))
    e = echo()
    print(next(e), e.send("a"), e.send("b"))
    try:
        e.send(None)
    except StopIteration as stop:
        print("echo", stop.value)
    g = guarded()
    print(next(g), g.throw(ValueError("boom")))
    g.close()
    g = guarded()
    print(next(g))
    del g
    print(list(with_cell(1, 2, 3, key="k")))
    counter = make_counter(10)()
    print(next(counter), next(counter), inspect.getgeneratorstate(counter))
    counter.close()
    print(inspect.getgeneratorstate(counter))
    g = count(5)
    next(g)
    print("suspended at line", g.gi_frame.f_lineno, g.gi_running, g.gi_suspended)
    try:
        list(leaks_stop())
    except RuntimeError as err:
        print(type(err).__name__, err, repr(err.__cause__))
    log = []
    w = in_with(log)
    print(next(w), next(w), log)
    w.close()
    print(log)
    print(sum(x * x for x in range(10)), list(x for x in "abc" if x != "b"))
    print(sorted((k, v) for k, v in {"b": 2, "a": 1}.items()))
    print(list(tree(2)))
    pairs = ((i, j) for i in range(3) for j in range(i))
    print(list(pairs))
    fresh = count(2)
    try:
        fresh.throw(KeyError("early"))
    except KeyError as err:
        print("thrown before start", err)
    print(list(fresh))


run()


def broken():
    yield 1
    {}["missing"]


for item in broken():
    print("got", item)
