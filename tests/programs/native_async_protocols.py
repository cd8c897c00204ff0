import asyncio

class Ticker:
    def __init__(self, n):
        self.n = n
    def __aiter__(self):
        self.i = 0
        return self
    async def __anext__(self):
        await asyncio.sleep(0)
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i

class Res:
    def __init__(self, name, suppress=False):
        self.name, self.suppress = name, suppress
    async def __aenter__(self):
        print("enter", self.name)
        await asyncio.sleep(0)
        return self
    async def __aexit__(self, t, v, tb):
        await asyncio.sleep(0)
        print("exit", self.name, t.__name__ if t else None)
        return self.suppress

async def agen(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i * 10
    yield "last"

async def agen2():
    try:
        yield 1
        yield 2
    finally:
        print("agen2 finally")

async def echo():
    received = []
    try:
        while True:
            v = yield len(received)
            received.append(v)
    except GeneratorExit:
        print("echo closing with", received)
        raise
    finally:
        await asyncio.sleep(0)
        print("echo finally")

async def thrower():
    try:
        yield "ready"
    except KeyError as e:
        yield f"handled {e}"
    yield "after"

class NoAwait:
    async def __aenter__(self):
        return self
    def __aexit__(self, *exc):
        return 1

async def main():
    async for x in Ticker(3):
        print("tick", x)
    else:
        print("ticks done")
    async for v in agen(3):
        print("agen", v)
        if v == 10:
            break
    print([x async for x in Ticker(4)])
    print({x: x * x async for x in agen(2) if isinstance(x, int)})
    print([await asyncio.sleep(0, r) for r in "ab"])
    g = (x * 2 async for x in Ticker(2))
    print(type(g).__name__, [y async for y in g])
    async with Res("a") as r, Res("b") as s:
        print("body", r.name, s.name)
    async with Res("c", suppress=True):
        raise ValueError("x")
    print("suppressed")
    try:
        async with Res("d"):
            raise KeyError("k")
    except KeyError as e:
        print("caught", e)
    for i in range(2):
        async with Res(f"l{i}"):
            if i == 0:
                continue
            break
    a = agen2()
    print(await a.__anext__())
    await a.aclose()
    try:
        async for x in 5:
            pass
    except TypeError as e:
        print("TE", e)
    try:
        async with 5:
            pass
    except TypeError as e:
        print("TE", e)
    async def inner():
        async with Res("ret"):
            return "from-with"
    print(await inner())
    e = echo()
    print(await e.asend(None), await e.asend("a"), await e.asend("b"))
    await e.aclose()
    t = thrower()
    print(await t.__anext__())
    print(await t.athrow(KeyError("k")))
    print([x async for x in t])
    print(await anext(agen(1)), await anext(agen(0)), await anext(aiter(Ticker(0)), "default"))
    print(type(agen).__name__, type(agen(1)).__name__, agen(1).__qualname__)
    async for nested in ([y async for y in agen(2)] for _ in range(2)):
        print("nested", nested)
    try:
        async with NoAwait():
            pass
    except TypeError as err:
        print("TE", err)
    try:
        async with NoAwait():
            raise ValueError
    except TypeError as err:
        print("TE", err, type(err.__context__).__name__)

asyncio.run(main())
