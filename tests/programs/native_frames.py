# Frames of compiled functions: what reads the stack sees each call, at
# the line being run; locals()/eval()/exec()/vars()/dir() see the caller's
# variables.
import inspect
import logging
import sys
import traceback
import warnings
from collections import namedtuple


def where(depth=1):
    f = sys._getframe(depth)
    return f"{f.f_code.co_name}:{f.f_lineno}"


def chain():
    names = []
    f = sys._getframe(1)
    while f is not None:
        names.append(f"{f.f_code.co_name}:{f.f_lineno}")
        f = f.f_back
    return names


def inner(x):
    print("inner called from", where(2))
    print("chain", chain())
    print("stack", [(fi.function, fi.lineno) for fi in inspect.stack()[:4]])
    print("extract", [(s.name, s.lineno, s.line) for s in traceback.extract_stack(limit=3)])
    print("currentframe", inspect.currentframe().f_code.co_qualname,
          inspect.currentframe().f_back.f_code.co_qualname)
    print("globals", sys._getframe().f_globals is globals(), sys._getframe().f_builtins is __builtins__.__dict__
          if hasattr(__builtins__, "__dict__") else True)
    return x + 1


def outer(x):
    y = inner(x)
    return inner(y)


outer(1)


def warn_here(msg, level):
    warnings.warn(msg, UserWarning, stacklevel=level)


def caller_of_warn():
    warn_here("level one", 1)
    warn_here("level two", 2)


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    caller_of_warn()
for w in caught:
    print("warning", w.message, w.lineno, w.filename.endswith("native_frames.py"))

handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(levelname)s %(funcName)s:%(lineno)d %(message)s"))
log = logging.getLogger("frames")
log.addHandler(handler)
log.propagate = False


def logs_something(n):
    log.warning("n is %d", n)
    if n:
        logs_something(n - 1)


logs_something(2)


def make_types():
    Point = namedtuple("Point", "x y")
    T = type("T", (), {})
    return Point.__module__, T.__module__, Point(1, 2)


print("modules", make_types())


class Klass:
    here = sys._getframe().f_code.co_name
    ns_has_here = "here" in sys._getframe().f_locals
    names = sorted(n for n in locals() if not n.startswith("__"))
    doubled = eval("len(names) * 2")
    print("class body", here, ns_has_here, names, doubled)


def reads_locals(a, b=10, *rest, **kw):
    c = a + b
    d = locals()
    print("locals", sorted(d), d["a"], d["c"], d["rest"], d["kw"])
    print("eval", eval("a * b + c"), eval("[i for i in range(a)]"))
    exec("print('exec', a, c, sorted(k for k in dir() if not k.startswith('_')))")
    exec("e = 5")
    print("exec does not bind", "e" in locals(), sorted(vars()) == sorted(locals()))

    def closure():
        return c
    print("cells", sorted(locals()), locals()["c"])
    del c
    print("after del", "c" in locals())
    return closure


reads_locals(1, 2, 3, k=4)


def gen_frames(n):
    for i in range(n):
        f = sys._getframe()
        yield f.f_code.co_name, f.f_back.f_code.co_name, eval("i * n")


def drive():
    return list(gen_frames(2))


print("generator", drive())


def fails(x):
    return 10 // x


def middle(x):
    return fails(x)


try:
    middle(0)
except ZeroDivisionError as e:
    tb = e.__traceback__
    entries = []
    while tb is not None:
        back = tb.tb_frame.f_back
        entries.append((tb.tb_frame.f_code.co_name, tb.tb_lineno, back.f_code.co_name if back else None))
        tb = tb.tb_next
    print("traceback", entries)
    print("frame kept", e.__traceback__.tb_next.tb_frame.f_code.co_name,
          e.__traceback__.tb_next.tb_frame.f_lineno)


def recurse(n):
    if n == 0:
        return len(inspect.stack())
    return recurse(n - 1)


print("depth grows", recurse(5) - recurse(0))
middle(0)
