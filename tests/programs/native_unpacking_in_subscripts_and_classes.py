class G:
    def __class_getitem__(cls, item):
        return item

def subs():
    xs = [1, 2]
    print(G[*xs], G[*"ab", 3], G[0, *range(2)])

def ann():
    def f(*args: *G[[int]]): pass
    print(f.__annotations__)
    try:
        def g(*args: *[1, 2]): pass
    except ValueError as e:
        print("VE", e)

class Meta(type):
    def __new__(mcs, name, bases, ns, **kw):
        print("meta kw", sorted(kw))
        return super().__new__(mcs, name, bases, ns)

def classes():
    bases = (dict,)
    class A(*bases):
        pass
    opts = {"flag": 1}
    class B(*bases, metaclass=Meta, **opts):
        pass
    print(A.__mro__, B.__mro__)

subs(); ann(); classes()
