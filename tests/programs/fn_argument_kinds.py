def f(a, b, /, c, d=4, *args, e, f=6, **kwargs):
    return (a, b, c, d, args, e, f, dict(sorted(kwargs.items())))


print(f(1, 2, 3, e=5))
print(f(1, 2, c=3, e=5, z=9))
print(f(1, 2, 3, 40, 50, 60, e=5, f=7, y=8, x=9))
args = (1, 2, 3)
kw = {"e": 10, "extra": True}
print(f(*args, **kw))
print(f(*[1, 2], *[3, 4, 5], **{"e": 1}, **{"g": 2}))


def kwonly(*, key, default=None):
    return key, default


print(kwonly(key=1), kwonly(default=2, key=3))
for call in [lambda: f(1, b=2, c=3, e=4), lambda: f(1, 2), lambda: kwonly(1), lambda: f(1, 2, 3, e=5, c=9),
             lambda: kwonly(key=1, nope=2), lambda: f()]:
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)


def defaults(x, acc=[]):
    acc.append(x)
    return acc


print(defaults(1), defaults(2), defaults(3, []))
print(f.__defaults__, f.__kwdefaults__, f.__code__.co_posonlyargcount, f.__code__.co_kwonlyargcount)
first, *middle, last = range(6)
print(first, middle, last)
(a, b), *rest = [(1, 2), 3, 4]
print(a, b, rest, [*range(3), *"ab"], {**{"a": 1}, "b": 2})
