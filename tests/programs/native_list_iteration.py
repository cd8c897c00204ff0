"""`for` over lists, which generated code steps inline while the list has
items (as listiter_next does): lists changed during the loop, iterators
shared with next(), subclasses, and other iterables at the same loop."""


class Ordered(list):
    """A list subclass keeps the list iterator."""


class Backwards(list):
    def __iter__(self):
        return reversed(self)


def total(items):
    t = 0
    for x in items:
        t += x
    return t


def mutations():
    l = [1, 2, 3]
    seen = []
    for x in l:
        seen.append(x)
        if x == 1:
            l.append(4)
        if x == 2:
            del l[0]
    print(seen, l)
    l = [1, 2, 3, 4]
    seen = []
    for x in l:
        seen.append(x)
        l.clear()
    print(seen, l)
    l = [1, 2]
    seen = []
    for x in l:
        seen.append(x)
        if len(l) < 5:
            l.insert(0, 0)
    print(seen, l)
    l = [[1, 2], [3]]
    print([y for x in l for y in x], [x for x in l if l.pop()])


def shared_iterators():
    it = iter([5, 6, 7, 8])
    print(next(it))
    for x in it:
        print("loop", x)
        if x == 6:
            break
    print(list(it), list(it), next(it, "done"))
    it = iter([1, 2, 3])
    for a in it:
        for b in it:
            print("pair", a, b)


def kinds():
    print(total([1, 2.5, 3]), total(Ordered([4, 5])), total(Backwards([6, 7])), total((8, 9)), total(range(4)))
    print([x for x in Backwards("abc")], [x for x in reversed([1, 2])], [x for x in {"k": 1}])
    objs = [object(), object()]
    print(sum(1 for o in objs for p in objs if o is p))
    big = [2**70, -2**70, 10**20]
    print(total(big), [type(x).__name__ for x in [1, 1.0, "s", None, big]])
    try:
        total([1, "two"])
    except TypeError as e:
        print("TypeError:", e)
    try:
        for x in 5:
            pass
    except TypeError as e:
        print("TypeError:", e)


mutations()
shared_iterators()
kinds()
