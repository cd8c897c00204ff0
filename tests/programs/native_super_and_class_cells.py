class Base:
    def f(self):
        return "base"

class E(Base):
    def f(self):
        def nested():
            return self
        return super().f() + "E" + str(nested() is self)

def no_args():
    super()

def star_only(*args):
    super()

def deleted(x):
    del x
    super()

def external(self):
    return super().f()

class X(Base):
    def f(x):
        nonlocal __class__
        del __class__
        super()

def counter(x):
    class C:
        nonlocal x
        x += 1
        y = x
        def get(self):
            return x
    return C, x

for f, args in [(no_args, ()), (star_only, (1,)), (deleted, (None,)), (external, (E(),)), (X().f, ())]:
    try:
        f(*args)
    except RuntimeError as e:
        print(type(e).__name__, e)
print(E().f())
C, x = counter(5)
print(C().get(), C.y, x)

class Y:
    def m(self):
        return __class__
    def n(self):
        return super()
print(Y().m() is Y, type(Y().n()).__name__)
