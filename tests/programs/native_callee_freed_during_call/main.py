# Functions that C code calls with borrowed references and that drop the
# last other reference to themselves during the call.
from pkg import bad

for name in ("one", "delraise", "again"):
    try:
        print(repr(name), getattr(bad, name))
    except AttributeError as e:
        print("AttributeError", e)
print(hasattr(bad, "__getattr__"))
bad.__getattr__ = vars(bad).get("__getattr__") or (lambda name: f"restored {name}")
print(bad.whatever)


class Registry:
    hooks = {}


def once(x):
    # the dict held the only reference; sorted() calls it borrowed
    Registry.hooks.clear()
    return -x


Registry.hooks["key"] = once
del once
print(sorted([3, 1, 2], key=Registry.hooks["key"]))
