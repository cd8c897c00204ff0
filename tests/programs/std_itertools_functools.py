import functools
import itertools
import operator

print(list(itertools.product("ab", [1, 2])), len(list(itertools.permutations(range(4), 2))))
print(list(itertools.combinations("abcd", 2)), list(itertools.combinations_with_replacement("ab", 2)))
print([(k, list(g)) for k, g in itertools.groupby(sorted("mississippi"))])
print(list(itertools.accumulate([1, 2, 3, 4], operator.mul)), list(itertools.accumulate([3, 1, 4], max)))
print(list(itertools.islice(itertools.count(10, 5), 4)), list(itertools.islice(itertools.cycle("xy"), 5)))
print(list(itertools.zip_longest("abc", [1], fillvalue="-")), list(itertools.chain.from_iterable([[1], [2, 3]])))
print(list(itertools.takewhile(lambda x: x < 3, range(10))), list(itertools.dropwhile(lambda x: x < 8, range(10))))
print(list(itertools.starmap(pow, [(2, 3), (3, 2)])), list(itertools.compress("abcd", [1, 0, 1, 0])), list(itertools.pairwise("abcd")))
print(functools.reduce(operator.add, range(10)), functools.reduce(lambda a, b: a * b, [1, 2, 3, 4], 10))


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(80), fib.cache_info().hits > 0)
base2 = functools.partial(int, base=2)
print(base2("1011"), base2.func.__name__, base2.keywords)


@functools.singledispatch
def show(x):
    return f"object {x!r}"


@show.register
def _(x: int):
    return f"int {x}"


@show.register(list)
def _(x):
    return f"list of {len(x)}"


print(show(1), show([1, 2]), show("s"))


class Circle:
    def __init__(self, r):
        self.r = r

    @functools.cached_property
    def area(self):
        print("  computing area")
        return 3.14159 * self.r ** 2


c = Circle(2)
print(c.area, c.area)
print(sorted(["bb", "a", "ccc"], key=functools.cmp_to_key(lambda a, b: len(b) - len(a))))
