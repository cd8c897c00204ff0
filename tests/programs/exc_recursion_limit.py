import sys


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


print(depth(500))
# CPython's WASI build has a lower default limit than Linux's (600 here):
# print what holds for both.
print(sys.getrecursionlimit() >= 600)
try:
    depth(100000)
except RecursionError as e:
    print("RecursionError:", e)


class Node:
    def __init__(self, child=None):
        self.child = child

    def __repr__(self):
        return f"Node({self.child!r})"


n = None
for _ in range(50):
    n = Node(n)
print(repr(n)[:40], len(repr(n)))
