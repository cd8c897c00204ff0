"""Recursive Fibonacci: calls of one small int function (issue #21's anchor
for unboxed calls)."""
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    print("fib", n, fib(n))
