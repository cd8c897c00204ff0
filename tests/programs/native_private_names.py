__g = "global mangled?"
_C__g = "global _C__g"
class C:
    def __init__(self):
        self.__x = 1
        __local = 5
        self.y = __local
    def get(self):
        return self.__x, __g
c = C()
print(c._C__x, c.get(), vars(c))
class __D:
    __cls = 1
    def m(self, __p=2, *, __k=3):
        def inner():
            return __p + __k
        return inner(), [__p for _ in range(1)], self.__cls
    def walrus(self):
        if (__w := 4):
            return __w, (lambda: __w)()
print(__D().m(), __D().walrus(), __D.m.__kwdefaults__)
import inspect
print(inspect.signature(__D.m))
