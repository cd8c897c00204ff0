# Comprehensions that await (or hold async comprehensions) are coroutines
# their async function awaits; an awaiting generator expression is an async
# generator.
import asyncio
async def f(i):
    return i
async def run_list():
    return [await c for c in [f(1), f(41)]]
async def run_dict2():
    return {i: await c for i, c in enumerate([f(1), f(41)])}
async def run_gen():
    g = (await c for c in [f(1), f(2)])
    return [x async for x in g]
async def nested():
    return [s for c in [f(''), f('abc')] for s in await c]
async def main():
    print(await run_list(), await run_dict2(), await run_gen(), await nested())
asyncio.run(main())
async def asynciter(it):
    for x in it:
        yield x
async def nested2():
    return ([[i + j async for i in asynciter([1, 2])] for j in [10, 20]],
            {sum([i async for i in asynciter(range(j))]) for j in [3, 5]},
            {j: {i: i + j async for i in asynciter([1, 2])} for j in [10, 20]})
async def main2():
    print(await nested2())
asyncio.run(main2())
