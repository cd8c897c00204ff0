class Registry(type):
    classes = {}

    def __new__(mcls, name, bases, ns, **kwargs):
        cls = super().__new__(mcls, name, bases, ns)
        mcls.classes[name] = cls
        cls.fields = sorted(k for k in ns if not k.startswith("_"))
        return cls

    def __call__(cls, *args, **kwargs):
        obj = super().__call__(*args, **kwargs)
        obj.created_by = "Registry"
        return obj

    def __repr__(cls):
        return f"<class {cls.__name__} fields={cls.fields}>"


class Model(metaclass=Registry):
    pass


class User(Model):
    name = ""
    age = 0


class Plugin:
    plugins = []

    def __init_subclass__(cls, kind="generic", **kwargs):
        super().__init_subclass__(**kwargs)
        cls.kind = kind
        Plugin.plugins.append((cls.__name__, kind))


class Csv(Plugin, kind="reader"):
    pass


class Json(Plugin):
    pass


print(sorted(Registry.classes))
print(User, type(User).__name__)
u = User()
print(u.created_by, isinstance(User, Registry))
print(Plugin.plugins, Csv.kind, Json.kind)
Dyn = Registry("Dyn", (Model,), {"a": 1, "b": 2})
print(Dyn, Dyn.a)
