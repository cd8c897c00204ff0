"""Coroutines compiled natively: await at statement level, asyncio."""
import asyncio


async def add(a, b):
    await asyncio.sleep(0)
    return a + b


async def twice(x):
    first = await add(x, x)
    second = await add(first, 1)
    return first, second


class Ticker:
    def __await__(self):
        got = yield "tick"
        return ("ticked", got)


async def uses_custom():
    r = await Ticker()
    return r


async def failing():
    await asyncio.sleep(0)
    raise ValueError("inside coroutine")


async def main():
    results = await asyncio.gather(twice(1), twice(5))
    print(results)
    try:
        await failing()
    except ValueError as e:
        print("caught", e)

    async def nested(n):
        total = 0
        for i in range(n):
            total = total + await add(i, 0) if False else total + i
            await asyncio.sleep(0)
        return total

    print(await nested(4))
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.01)
    except asyncio.TimeoutError:
        print("timed out")


c = uses_custom()
print(c.send(None))
try:
    c.send("value")
except StopIteration as e:
    print("custom", e.value)
asyncio.run(main())
