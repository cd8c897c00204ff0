def f(*args, **kw):
    return args, sorted(kw.items())
class K:
    def m(self, *a, **k):
        return a, k
a = [1, 2]
d = {"x": 1}
def run():
    print(f(*a), f(0, *a, 3, *a), f(*a, y=2, **d), f(**d), f(z=0, **d, w=5), f(*(i for i in range(3))))
    print(K().m(*a, **d), f(*"ab"))
    for bad in (lambda: f(*1), lambda: f(0, *1), lambda: f(**1), lambda: f(x=2, **d), lambda: f(**d, **d), lambda: K().m(**d, x=3)):
        try:
            bad()
        except TypeError as e:
            print(e)
run()
