# A name a class body binds and its methods take from the enclosing
# function (CPython's DEF_FREE_CLASS): the class reads its own binding, the
# methods the function's variable.


def make():
    method_and_var = "var"

    class Test:
        def method_and_var(self):
            return "method"

        def test(self):
            return method_and_var

    return Test()


def shadowed_attribute(x):
    class C:
        x = 12

        def m(self):
            return x

    return C


def rebinding():
    value = 1

    class K:
        value = "class"

        def get(self):
            return value

    value = 2
    return K


t = make()
print(t.test(), t.method_and_var())
C = shadowed_attribute(1)
print(C.x, C().m())
K = rebinding()
print(K.value, K().get())
print(sorted(C.__dict__.keys() - {"__dict__", "__weakref__", "__doc__"}))
