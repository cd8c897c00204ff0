import copy
import gc
import pickle
import weakref


class Node:
    def __init__(self, name, children=()):
        self.name = name
        self.children = list(children)

    def __repr__(self):
        return f"Node({self.name!r}, {self.children!r})"

    def __eq__(self, other):
        return isinstance(other, Node) and (self.name, self.children) == (other.name, other.children)


tree = Node("root", [Node("a", [Node("a1")]), Node("b")])
for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    assert pickle.loads(pickle.dumps(tree, protocol=proto)) == tree
blob = pickle.dumps({"tree": tree, "t": (1, 2.5, "x", None, b"\x00"), "s": frozenset([3])}, protocol=4)
print(len(blob) > 50, pickle.loads(blob))
shallow, deep = copy.copy(tree), copy.deepcopy(tree)
tree.children[0].name = "changed"
print(shallow.children[0].name, deep.children[0].name, shallow.children is tree.children)
cyclic = [1]
cyclic.append(cyclic)
dup = copy.deepcopy(cyclic)
print(dup[1] is dup, repr(dup))


class Cache:
    pass


obj = Cache()
ref = weakref.ref(obj)
registry = weakref.WeakValueDictionary()
registry["k"] = obj
events = []
weakref.finalize(obj, events.append, "finalized")
print(ref() is obj, "k" in registry)
del obj
gc.collect()
print(ref(), "k" in registry, events)
try:
    pickle.dumps(lambda: 0)
except (pickle.PicklingError, AttributeError) as e:
    print(type(e).__name__)
