# While a trace or profile function is set, calls of compiled functions run
# on the interpreter, which reports their events as CPython does.
import sys

def callee(a, *rest, k=1, **kw):
    x = a + k
    return x + len(rest) + len(kw)

def gen(n):
    for i in range(n):
        yield i * 2

class K:
    def m(self, v):
        return v + 1

def traced_work():
    t = callee(1, 2, 3, k=4, z=5)
    g = list(gen(2))
    return t, g, K().m(3)

events = []
def tracer(frame, event, arg):
    if frame.f_code.co_filename.endswith("native_tracing.py"):
        events.append((event, frame.f_code.co_name, frame.f_lineno - frame.f_code.co_firstlineno))
    return tracer

sys.settrace(tracer)
r = traced_work()
sys.settrace(None)
print(r)
for e in events:
    print(e)
profiled = []
sys.setprofile(lambda f, ev, a: profiled.append((ev, f.f_code.co_name)) if ev in ("call", "return") else None)
callee(5)
sys.setprofile(None)
print([p for p in profiled if p[1] == "callee"])
print(callee(2), list(gen(3)))
def deep(n):
    return 0 if n == 0 else 1 + deep(n - 1)
sys.settrace(lambda *a: None)
print(deep(200))
sys.settrace(None)
