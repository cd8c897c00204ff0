# globals(), eval() and exec() inside natively compiled functions see the
# module's dict, as in CPython.
g0 = globals()


def same_dict():
    return globals() is g0


class C:
    def method(self):
        return "__name__" in globals() and globals()["__name__"]


def evals(x):
    local_eval = eval("x + 1")
    explicit_locals = eval("x * 2", None, {"x": 5})
    own_globals = eval("y", {"y": 3})
    module_globals = eval("counter", globals())
    return local_eval, explicit_locals, own_globals, module_globals


def execs():
    ns = {}
    exec("a = 1\nb = a + 1", ns)
    exec("counter_set = 7", globals())
    return ns["a"], ns["b"]


def set_global_through_dict():
    globals()["made_here"] = "yes"


counter = 41
print(same_dict())
print(C().method())
print(evals(4))
print(execs(), counter_set)
set_global_through_dict()
print(made_here)
