# A class body whose own name __class__ is an enclosing function's variable (read,
# global, nonlocal) while its methods' __class__ and super() use the class's cell.
class A:
    def f(self):
        return 'A'

class T(A):
    def f(self):
        return 'T' + super().f()
    def test(self):
        class X(A):
            def f(self):
                return super().f() + 'X'
            __class__ = 413
        x = X()
        print(x.f(), x.__class__)
        class X:
            x = __class__
            def f():
                return __class__
        print(X.x is T, X.f() is X)
        class X:
            global __class__
            __class__ = 42
            def f():
                return __class__
        print(globals()["__class__"], X.f() is X)
        del globals()["__class__"]
        print("__class__" in X.__dict__)
        class X:
            nonlocal __class__
            __class__ = 42
            def f():
                return __class__
            def g(self):
                return super().f
        print(__class__, X.f() is X)
        try:
            X().g()
        except AttributeError as e:
            print("AttributeError", e)
        return super().f()

print(T().test())
