def inner(n):
    received = []
    for i in range(n):
        x = yield f"inner {i}"
        received.append(x)
    return received


def outer():
    result = yield from inner(3)
    print("inner returned", result)
    more = yield from (c.upper() for c in "ab")
    print("genexp returned", more)
    return "outer done"


gen = outer()
print(next(gen))
print(gen.send("a"))
print(gen.send("b"))
print(gen.send("c"))
print(next(gen))
try:
    next(gen)
except StopIteration as e:
    print("StopIteration value:", e.value)


def flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


print(list(flatten([1, [2, [3, [4, 5]], 6], [[7]]])))


def delegator():
    try:
        yield from thrower()
    except KeyError as e:
        print("delegator got", repr(e))
        yield "recovered"


def thrower():
    yield "ready"
    yield "still ready"


d = delegator()
print(next(d), d.throw(KeyError("k")))
