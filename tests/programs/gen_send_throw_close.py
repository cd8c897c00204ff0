def accumulator():
    total = 0
    try:
        while True:
            try:
                value = yield total
            except ValueError as e:
                print("  caught inside:", e)
                value = 0
            if value is None:
                continue
            total += value
    finally:
        print("  accumulator closing with", total)


acc = accumulator()
print(next(acc))
print(acc.send(5), acc.send(10))
print(acc.throw(ValueError("bad value")))
print(acc.send(1))
acc.close()
print("closed:", acc.gi_frame is None)
try:
    acc.send(1)
except StopIteration:
    print("StopIteration after close")


def stubborn():
    try:
        yield 1
    except GeneratorExit:
        print("  ignoring GeneratorExit")
        yield 2


s = stubborn()
next(s)
try:
    s.close()
except RuntimeError as e:
    print("RuntimeError:", e)


def fib(limit):
    a, b = 0, 1
    while a < limit:
        yield a
        a, b = b, a + b


print(list(fib(100)), sum(x for x in fib(1000) if x % 2 == 0))
g = (x * x for x in range(5))
print(next(g), list(g), list(g))
