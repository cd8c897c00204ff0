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
