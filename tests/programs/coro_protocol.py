import types


class Ready:
    def __init__(self, value):
        self.value = value

    def __await__(self):
        got = yield f"waiting for {self.value}"
        return (self.value, got)


async def child(x):
    a = await Ready(x)
    b = await Ready(x * 10)
    return [a, b]


async def parent():
    first = await child(1)
    second = await child(2)
    return first + second


coro = parent()
print(type(coro).__name__, coro.__name__, coro.__qualname__)
step = coro.send(None)
n = 0
try:
    while True:
        print("yielded:", step)
        n += 1
        step = coro.send(f"reply {n}")
except StopIteration as stop:
    print("result:", stop.value)


@types.coroutine
def legacy():
    value = yield "legacy"
    return value * 2


async def uses_legacy():
    return await legacy()


c = uses_legacy()
print(c.send(None))
try:
    c.send(21)
except StopIteration as stop:
    print("legacy result:", stop.value)
c2 = child(5)
c2.send(None)
try:
    c2.throw(ValueError("thrown in"))
except ValueError as e:
    print("ValueError:", e)
c3 = child(7)
c3.close()
print("closed ok")
