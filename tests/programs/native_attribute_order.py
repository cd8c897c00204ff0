"""Instance attributes stored by compiled code keep CPython's key order
(a new attribute joins the instance's order as it is stored): __dict__,
vars(), deletion and re-adding, and more attributes than the shared keys
hold."""


class P:
    def __init__(self, x, y, flip):
        if flip:
            self.y = y
            self.x = x
        else:
            self.x = x
            self.y = y

    def grow(self, n):
        for i in range(n):
            setattr(self, f"k{i}", i)
        self.z = "z"


def show(o):
    return list(vars(o).items())


a, b = P(1, 2, False), P(3, 4, True)
print(show(a), show(b))
a.z = 5
b.z = 6
del a.x
a.x = 7
print(show(a), show(b), a.__dict__ == {"y": 2, "z": 5, "x": 7})
c = P(0, 0, False)
c.grow(35)
print(len(vars(c)), list(vars(c))[:4], list(vars(c))[-2:])
objs = [P(i, -i, i % 2 == 0) for i in range(6)]
for o in objs:
    o.tag = o.x + o.y
print([list(vars(o)) for o in objs[:2]], [o.tag for o in objs])


class Q:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.c = 3


q = Q()
del q.b
q.b = "again"
q.d = 4
print(show(q), repr(q.__dict__))
