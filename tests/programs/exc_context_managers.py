import contextlib


class Managed:
    def __init__(self, name, swallow=False):
        self.name, self.swallow = name, swallow

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None)
        return self.swallow


@contextlib.contextmanager
def tagged(tag):
    print(f"<{tag}>")
    try:
        yield tag
    except ValueError as e:
        print(f"  {tag} saw {e!r}")
        raise
    finally:
        print(f"</{tag}>")


with Managed("a") as a, Managed("b") as b:
    print("body", a, b)
with Managed("swallower", swallow=True):
    raise RuntimeError("hidden")
print("after swallow")
try:
    with tagged("div"):
        with tagged("span") as t:
            raise ValueError(t)
except ValueError as e:
    print("outside:", e)
with contextlib.suppress(KeyError, IndexError):
    [][1]
print("suppressed")
with contextlib.ExitStack() as stack:
    names = [stack.enter_context(Managed(n)) for n in "xyz"]
    stack.callback(print, "callback ran")
    print(names)
with contextlib.nullcontext(42) as v:
    print(v)
