"""Attribute reads on instances whose __dict__ CPython has materialised
(inline cache hits by the entry's index, as LOAD_ATTR_WITH_HINT): the
value, a deleted or moved entry, a replaced __dict__, non-str keys."""


class Node:
    def __init__(self, name):
        self.name = name
        self.value = 0


def read_all(nodes):
    total = 0
    names = []
    for n in nodes:
        total += n.value
        names.append(n.name)
    return total, "".join(names)


def attrs(o):
    out = []
    for attr in ("name", "value", "extra"):
        try:
            out.append(getattr(o, attr))
        except AttributeError as e:
            out.append("AttributeError: " + str(e))
    return out


def read_name(o):
    try:
        return o.name
    except AttributeError as e:
        return "AttributeError: " + str(e)


nodes = [Node(c) for c in "abcdef"]
for i, n in enumerate(nodes):
    n.__dict__  # materialises the instance dict
    n.value = i
    if i % 2:
        n.extra = i * 10
print(read_all(nodes))
print(read_all(nodes))
print([attrs(n) for n in nodes[:2]])

n = nodes[0]
print(read_name(n))
del n.name
print(read_name(n))
n.name = "again"
print(read_name(n))
n.__dict__ = {"value": 5, "name": "replaced"}
print(read_name(n), read_all([n]))
n.__dict__[1] = "not a str key"
print(read_name(n), n.value)
n.__dict__.clear()
print(read_name(n))
n.__dict__.update(name="updated", value=7)
print(read_name(n), read_all([n]))
many = Node("m")
for i in range(40):
    setattr(many, f"a{i}", i)
print(read_name(many), many.a39, read_all([many] * 3))


class Greeter:
    def __init__(self, name):
        self.name = name

    def hello(self, punctuation):
        return "hello " + self.name + punctuation


def greet_all(gs):
    return [g.hello("!") for g in gs]


# Method calls on instances with materialised dicts, then one shadowed by
# an instance attribute, then unshadowed again.
gs = [Greeter(c) for c in "xyz"]
for g in gs:
    g.__dict__
print(greet_all(gs))
print(greet_all(gs))
gs[1].hello = lambda p: "shadowed" + p
print(greet_all(gs))
del gs[1].hello
print(greet_all(gs))
gs[2].__dict__ = {"name": "new dict"}
print(greet_all(gs))
Greeter.hello = lambda self, p: "patched " + self.name + p
print(greet_all(gs))


class Other:
    def __init__(self):
        self.name = "other"
        self.value = 100


# One site, both kinds of instance.
mixed = [Node("x"), Other(), nodes[1], Other()]
mixed[0].__dict__
print(read_all(mixed))
