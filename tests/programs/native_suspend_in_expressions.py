import asyncio

def g():
    x = 10
    r = x + (yield 1)
    print("r", r)
    l = [x, (yield 2), x * 2]
    print("l", l)
    d = {"a": (yield 3), "b": x}
    print("d", d)
    s = f"{x}-{(yield 4)}"
    print("s", s)
    print("call", max(x, (yield 5), 3))
    print("cmp", 1 < (yield 6) < 100)
    t = (yield 7) if x else 0
    print("t", t)
    x += yield 8
    print("x", x)
    y = [1, 2]
    y[0] += yield 9
    print("y", y)
    z = yield from sub()
    print("z", z, [z, (yield from sub())])
    print("m", "a,b".split((yield 10) and ","))
    print("kw", dict(a=x, b=(yield 11), c=3))
    data = list(range(10))
    print("sub", data[(yield 12)], data[1:(yield 13)], data[::(yield 14)])
    print("spec", f"{x:{(yield 15)}}")
    print("star", [*data[:2], (yield 16), *(yield 17)], {**{"p": 1}, "q": (yield 18)})
    print("chain", x < (yield 19) < (yield 20), x and (yield 21), not (yield 22))
    w = (x := (yield 23)) + x
    print("walrus", w, x)
    return "done"

def sub():
    v = yield "sub"
    return v * 2

sends = {10: ",", 12: 3, 13: 4, 14: 3, 15: ">6", 17: "xy", 19: 50, 20: 60, 21: "and", 22: 0}
gen = g()
last = next(gen)
print(last)
i = 100
try:
    while True:
        last = gen.send(sends.get(last, i))
        print(last)
        i += 1
except StopIteration as e:
    print("stop", e.value)

lam = lambda: (yield 1) + (yield 2)
lg = lam()
print(next(lg), lg.send(5))
try:
    lg.send(6)
except StopIteration as e:
    print("lambda result", e.value)

async def h(n):
    await asyncio.sleep(0)
    return n * 3

async def main():
    a = await h(1) + await h(2)
    print("a", a)
    b = [await h(i) for i in range(3)] if False else [await h(5), await h(6)]
    print("b", b)
    total = 0
    for i in range(3):
        total += await h(i)
    print("total", total)
    print("fmt", f"{await h(7)}!")
    o = {"k": 1}
    o["k"] += await h(2)
    print(o, str(await h(4)).zfill(5))
    n = 0
    while (await h(n)) < 9:
        n += 1
    print("while", n, [await h(k) for k in range(n)], {k: await h(k) for k in "ab"})
    if await h(0) or await h(1):
        print("cond")
    try:
        print(1 + await bad())
    except ZeroDivisionError as e:
        print("ZDE", e)
    return await h(10) - 1

async def bad():
    await asyncio.sleep(0)
    return 1 / 0

print(asyncio.run(main()))

async def fails():
    return [await h(1), await bad()]

def drive(coro):
    # asyncio.sleep(0) yields None: a bare loop runs these coroutines.
    while True:
        coro.send(None)

def targets():
    d = {}
    class O:
        pass
    o = O()
    d[(yield "k")] = o.attr = (yield "v")
    (yield "obj").field = 7
    print("targets", d, o.attr)

tg = targets()
print(next(tg), tg.send("key"), tg.send("value"))
holder = type("H", (), {})()
try:
    tg.send(holder)
except StopIteration:
    print("holder", holder.field)

drive(fails())

def g2():
    try:
        v = 1 + (yield "a")
    except ValueError as e:
        print("caught", e)
        v = -1
    yield v
gg = g2()
next(gg)
print(gg.throw(ValueError("boom")))
gg = g2(); next(gg); print(gg.send(5))
