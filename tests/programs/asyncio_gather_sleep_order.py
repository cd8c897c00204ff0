"""asyncio on WASI: the runtime's event loop (no self-pipe) must order
sleeps, gather, tasks and timeouts exactly as CPython's does."""
import asyncio


async def worker(name, delay, log):
    log.append(f"{name} start")
    await asyncio.sleep(delay)
    log.append(f"{name} woke after {delay}")
    return name.upper()


async def ticker(log):
    for i in range(3):
        log.append(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    log = []
    results = await asyncio.gather(worker("slow", 0.03, log), worker("fast", 0.01, log), worker("mid", 0.02, log))
    print("gather results:", results)
    print("\n".join(log))

    log.clear()
    task = asyncio.create_task(ticker(log))
    log.append("task created")
    await task
    print(log)

    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.01)
    except asyncio.TimeoutError:
        print("wait_for timed out")

    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, "future done")
    print(await fut)
    print("loop class:", type(loop).__mro__[-3].__name__)


asyncio.run(main())
print("after run")
