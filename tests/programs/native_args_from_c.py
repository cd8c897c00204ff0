# Compiled functions called from C code that passes arguments it only
# borrows (the object may lose its last other reference during the call):
# the call must keep every argument alive, as an interpreter frame does.
# Before the fix, deque.index() with an __eq__ that clears the deque read
# freed memory (CPython's test_deque, TestBasic.test_index).
import gc
from collections import deque


class MutateCmp:
    def __init__(self, d, result):
        self.d = d
        self.result = result

    def __eq__(self, other):
        self.d.clear()  # drops the deque's reference to self
        return self.result  # self must still be alive here


for meth, args in (("index", (5,)), ("count", (5,)), ("remove", (5,)), ("__contains__", (5,))):
    for result in (True, False):
        d = deque(range(3))
        d[1] = MutateCmp(d, result)
        try:
            print(meth, result, getattr(d, meth)(*args))
        except (RuntimeError, ValueError, IndexError) as e:
            print(meth, result, type(e).__name__, e)
        gc.collect()


# The other argument dies instead: list.sort's key, compared items.
class Dropper:
    def __init__(self, owner, name):
        self.owner = owner
        self.name = name

    def __lt__(self, other):
        self.owner.clear()
        return self.name < other.name

    def __repr__(self):
        return f"Dropper({self.name!r})"


owner = []
owner.extend([Dropper(owner, "b"), Dropper(owner, "a")])
items = list(owner)
items.sort()
print(items, owner)


# A callback given an object whose only owner is a container the callback
# empties (map, filter, sorted with key, a dict's __eq__ during lookup).
class Holder:
    def __init__(self):
        self.box = [Payload(self)]


class Payload:
    def __init__(self, holder):
        self.holder = holder
        self.data = list(range(5))

    def __eq__(self, other):
        self.holder.box.clear()
        gc.collect()
        return sum(self.data) == other

    __hash__ = object.__hash__


h = Holder()
print(h.box.count(10), h.box)
h = Holder()
print(10 in h.box, h.box)


def consume(payload):
    payload.holder.box.clear()
    return sum(payload.data)


h = Holder()
print(list(map(consume, h.box)))
h = Holder()
print(sorted(h.box, key=consume) == [], h.box)


# Keyword arguments from C (functools.partial supplies them borrowed).
import functools


def kw(a, *, b):
    b.holder.box.clear()
    return a + sum(b.data)


h = Holder()
p = functools.partial(kw, b=h.box[0])
h.box[0].holder = h
del h
print(p(1))
