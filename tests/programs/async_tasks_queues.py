import asyncio


async def producer(queue, n):
    for i in range(n):
        await queue.put(i)
        await asyncio.sleep(0)
    await queue.put(None)


async def consumer(queue, name, results):
    while True:
        item = await queue.get()
        if item is None:
            queue.task_done()
            await queue.put(None)
            break
        results.append((name, item * item))
        queue.task_done()


class Resource:
    async def __aenter__(self):
        print("acquire")
        return self

    async def __aexit__(self, *exc):
        print("release", exc[0].__name__ if exc[0] else None)
        return False


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def main():
    queue = asyncio.Queue(maxsize=2)
    results = []
    await asyncio.gather(producer(queue, 6), consumer(queue, "c1", results))
    print(sorted(results))
    async with Resource():
        print("inside")
    try:
        async with Resource():
            raise KeyError("boom")
    except KeyError:
        print("KeyError propagated")
    print([i async for i in ticks(4)])
    t = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled:", t.cancelled())
    done = await asyncio.wait_for(asyncio.sleep(0, result="fast"), timeout=1)
    print(done)


asyncio.run(main())
