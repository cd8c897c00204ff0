# assert messages are passed as one argument; annotation targets that are
# not simple names do not bind locals; super() errors as CPython's.
def assert_tuple():
    try:
        assert False, (3,)
    except AssertionError as e:
        return e.args, str(e)


def assert_plain():
    try:
        assert 1 == 2, "no"
    except AssertionError as e:
        return e.args


def assert_bare():
    try:
        assert []
    except AssertionError as e:
        return e.args


def paren_annotation():
    (x): int
    try:
        return x
    except NameError as e:
        return "NameError: " + str(e)


x = "module x"


def annotated_only():
    y: int
    try:
        return y
    except UnboundLocalError as e:
        return type(e).__name__


class Holder:
    pass


def complex_targets():
    h = Holder()
    h.attr: int = 5
    d = {}
    d["k"]: str = "v"
    return h.attr, d


print(assert_tuple())
print(assert_plain())
print(assert_bare())
print(paren_annotation())
print(annotated_only())
print(complex_targets())


# super() with its first argument or __class__ deleted: CPython's errors.
class Base:
    def who(self):
        return "base"


class Derived(Base):
    def deleted_self(self):
        del self
        try:
            super()
        except RuntimeError as e:
            return str(e)

    def deleted_class(self):
        nonlocal __class__
        del __class__
        try:
            super()
        except RuntimeError as e:
            return str(e)

    def fine(self):
        return super().who()


print(Derived().fine())
print(Derived().deleted_self())
print(Derived().deleted_class())  # empties the cell every method shares
