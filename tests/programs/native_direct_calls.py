# Calls of module-level functions by name enter the compiled callee
# directly when the global still holds a function with that code; any
# other object (rebound name, a callable instance, a wrapper) is called as
# usual, and the recursion limit and tracebacks are CPython's.
import functools
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def add(a, b=10):
    return a + b


def twice(x):
    return x * 2


def thrice(x):
    return x * 3


def use_twice(x):
    return twice(x)


def deep(n):
    return deep(n + 1)


def boom(a, b):
    return a / b


def call_boom():
    return boom(1, 0)


print(fib(20), add(1), add(1, 2))
print(use_twice(5))
twice = thrice
print(use_twice(5))


class Callable:
    def __call__(self, x):
        return f"Callable({x})"


twice = Callable()
print(use_twice(5))
twice = functools.partial(thrice)
print(use_twice(5))
del twice
try:
    use_twice(5)
except NameError as e:
    print("NameError:", e)


def twice(x, y=None):
    return ("new twice", x, y)


print(use_twice(5))
try:
    deep(0)
except RecursionError as e:
    print("RecursionError:", e)
print(fib(10))
try:
    call_boom()
except ZeroDivisionError:
    import traceback

    traceback.print_exc(file=sys.stdout)


# Arguments stay the caller's for the whole call, and the callee keeps its
# own references to what it rebinds: values whose last other reference
# goes away during the call (a global rebound, a cell cleared, an
# attribute deleted, the receiver dropped, the defaults replaced) live on.
class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("  freed", self.name)

    def drop_owner(self, owner):
        owner.item = None
        return "receiver still " + self.name


held = Tracked("global")


def rebinds_global(x):
    global held
    held = None
    print("  in callee:", x.name)
    return x.name


print(rebinds_global(held))


def clears_cell():
    v = Tracked("cell")

    def inner(x):
        nonlocal v
        v = None
        print("  in callee:", x.name)
        return x.name

    return inner(v)


print(clears_cell())


class Owner:
    pass


def deletes_attribute(o, x):
    del o.item
    print("  in callee:", x.name)
    return x.name


box = Owner()
box.item = Tracked("attribute")
print(deletes_attribute(box, box.item))
box.item = Tracked("receiver")
print(box.item.drop_owner(box))


def with_default(x=Tracked("default")):
    with_default.__defaults__ = (None,)
    print("  in callee:", x.name)
    return x.name


print(with_default())


def rebinds_parameter(a, b):
    a = "rebound " + a
    del b
    try:
        return b
    except UnboundLocalError as e:
        return a, str(e)


print(rebinds_parameter("first", ["second"]))


def countdown(n, acc):
    if n == 0:
        return acc
    acc = acc + [n]
    return countdown(n - 1, acc)


print(countdown(5, []))
