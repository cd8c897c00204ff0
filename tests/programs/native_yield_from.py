"""`yield from` in compiled generators: delegation of next, send, throw and
close, return values, and delegates of every kind."""


def inner(log):
    try:
        x = yield "i1"
        log.append(("inner got", x))
        y = yield "i2"
        log.append(("inner got", y))
    except KeyError as e:
        log.append(("inner caught", str(e)))
        yield "after catch"
        return "inner recovered"
    finally:
        log.append("inner finally")
    return "inner result"


def outer(log):
    r = yield from inner(log)
    log.append(("outer got", r))
    r2 = yield from [10, 20]
    log.append(("list result", r2))
    yield from range(2)
    return "outer done"


def quits(log):
    try:
        yield 1
        yield 2
    except KeyError:
        return "handled"
    finally:
        log.append("quits finally")


def chain(*iterables):
    for it in iterables:
        yield from it


def depth(n):
    if n:
        got = yield from depth(n - 1)
        return got + 1
    yield "bottom"
    return 0


def run():
    log = []
    g = outer(log)
    print(next(g), g.send("a"), g.send("b"), list(g))
    print(log)
    log = []
    g = outer(log)
    print(next(g), g.throw(KeyError("k")), g.gi_yieldfrom is not None)
    print(next(g), next(g))
    print(log)
    log = []

    def wrapper():
        r = yield from quits(log)
        log.append(("wrapper got", r))
        yield "wrapper continues"

    w = wrapper()
    print(next(w), w.throw(KeyError("x")), log)
    w2 = wrapper()
    next(w2)
    w2.close()
    print(log)
    print(list(chain("ab", [1, 2], (x * x for x in range(3)))))
    d = depth(3)
    print(next(d))
    try:
        next(d)
    except StopIteration as e:
        print("depth result", e.value)

    def bad():
        yield from 42

    try:
        list(bad())
    except TypeError as e:
        print(e)


run()
