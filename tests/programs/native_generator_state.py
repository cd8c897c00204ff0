# Generator state as CPython keeps it: a bare `raise` re-raises what the
# caller handles (the topmost exc_info); gi_yieldfrom shows a delegate only
# while suspended in it.
import sys


def g():
    yield 1
    raise
    yield 2


def inner_handler():
    try:
        yield sys.exc_info()[0]
        raise KeyError("own")
    except KeyError:
        yield sys.exc_info()[0]
        raise


i = g()
try:
    1 / 0
except ZeroDivisionError:
    print(next(i))
    try:
        next(i)
    except ZeroDivisionError as e:
        print("re-raised", type(e).__name__, e)

r = g()
try:
    next(r)
    next(r)
except RuntimeError as e:
    print("nothing handled:", e)

h = inner_handler()
try:
    raise ValueError("outer")
except ValueError:
    print(next(h).__name__)
    print(next(h).__name__)
    try:
        next(h)
    except KeyError as e:
        print("own", repr(e))


# gi_yieldfrom / cr_await: the delegate only while suspended in it.
def a():
    print("a running, b.gi_yieldfrom:", gen_b.gi_yieldfrom)
    yield
    print("a again, b.gi_yieldfrom:", gen_b.gi_yieldfrom)


def b():
    print("b running:", gen_b.gi_yieldfrom)
    yield from a()
    print("b after:", gen_b.gi_yieldfrom)
    yield
    print("b end:", gen_b.gi_yieldfrom)


gen_b = b()
print("created:", gen_b.gi_yieldfrom)
gen_b.send(None)
print("suspended in:", gen_b.gi_yieldfrom.gi_code.co_name)
gen_b.send(None)
print("suspended at yield:", gen_b.gi_yieldfrom)
try:
    gen_b.send(None)
except StopIteration:
    print("done:", gen_b.gi_yieldfrom)
