"""try/finally and with statements in compiled functions."""
import contextlib
import sys


log = []


def normal():
    try:
        log.append("body")
    finally:
        log.append("finally")
    return "after"


def returns_through():
    try:
        return "from body"
    finally:
        log.append("finally ran")


def overrides():
    try:
        return 1
    finally:
        return 2


def swallows():
    for i in range(3):
        try:
            raise ValueError(i)
        finally:
            if i < 2:
                continue
            break
    return "swallowed"


def reraises():
    try:
        try:
            {}["k"]
        finally:
            log.append(("in finally", sys.exc_info()[0].__name__))
    except KeyError as e:
        return "caught " + repr(e)


def handler_then_finally(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        return "div"
    else:
        log.append("else")
    finally:
        log.append(("finally", x))


def loop_finally():
    out = []
    for i in range(4):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append("f%d" % i)
    return out


def break_in_except():
    out = []
    for i in range(3):
        try:
            raise KeyError(i)
        except KeyError:
            if i == 1:
                break
            out.append(sys.exc_info()[0].__name__)
            continue
    out.append(sys.exc_info())
    return out


def exception_in_finally():
    try:
        try:
            raise KeyError("first")
        finally:
            raise ValueError("second")
    except ValueError as e:
        return repr(e), repr(e.__context__)


class Manager:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        log.append(("enter", self.name))
        return self.name.upper()

    def __exit__(self, typ, val, tb):
        log.append(("exit", self.name, typ.__name__ if typ else None, str(val) if val else None))
        return self.suppress


def with_basic():
    with Manager("a") as v:
        log.append(("body", v))
    with Manager("b"), Manager("c") as w:
        log.append(("both", w))
    return "done"


def with_suppress():
    with Manager("s", suppress=True):
        raise RuntimeError("hidden")
    return "suppressed"


def with_propagate():
    try:
        with Manager("p"):
            raise RuntimeError("visible")
    except RuntimeError as e:
        return "got " + str(e)


def with_return():
    for i in range(3):
        with Manager("r%d" % i):
            if i == 1:
                return i
            continue
    return None


@contextlib.contextmanager
def tagged(tag):
    log.append(("open", tag))
    try:
        yield tag * 2
    finally:
        log.append(("close", tag))


def with_generator_cm():
    with tagged("x") as t, tagged("y") as u:
        return t + u


def not_a_manager():
    try:
        with 42:
            pass
    except TypeError as e:
        return str(e)


print(normal(), returns_through(), overrides(), swallows(), reraises())
print(handler_then_finally(0), handler_then_finally(5), loop_finally(), exception_in_finally(), break_in_except())
print(with_basic(), with_suppress(), with_propagate(), with_return(), with_generator_cm(), not_a_manager())
for entry in log:
    print(entry)


def fails_in_with():
    with Manager("tb"):
        return 1 / 0


fails_in_with()
