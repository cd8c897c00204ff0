class Countdown:
    def __init__(self, start):
        self.start = start

    def __iter__(self):
        n = self.start
        while n > 0:
            yield n
            n -= 1

    def __reversed__(self):
        return iter(range(1, self.start + 1))


class Fib:
    def __init__(self, limit):
        self.a, self.b, self.limit = 0, 1, limit

    def __iter__(self):
        return self

    def __next__(self):
        if self.a > self.limit:
            raise StopIteration
        value = self.a
        self.a, self.b = self.b, self.a + self.b
        return value


class Seq:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError
        return i * 10


print(list(Countdown(5)), list(reversed(Countdown(3))), list(Fib(50)), list(Seq()), 20 in Seq())
it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "done"))
print(list(iter(iter([5, 4]).__next__, 4)))
d = {"b": 2, "a": 1}
print(list(d), list(d.values()), list(d.items()), list(reversed(d)), d | {"c": 3})
keys = d.keys()
d["z"] = 26
print(keys, keys & {"a", "z"}, sorted(keys - {"b"}))
s = {3, 1, 2}
print(sorted(s | {5}), sorted(s & {1, 9}), sorted(s ^ {1, 4}), {1, 2} <= s, frozenset("aab") == frozenset("ab"))
t = (1, [2, 3])
t[1].append(4)
print(t, t.count(1), t.index([2, 3, 4]), (1, 2) < (1, 3), [1, 2] * 2, list(range(10, 0, -3)), range(5)[1:3])
lst = list(range(10))
lst[2:5] = ["a"]
del lst[::3]
print(lst, lst[::-1][:3], slice(1, 5, 2).indices(10))
