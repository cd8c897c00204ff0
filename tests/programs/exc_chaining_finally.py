def control_flow():
    out = []
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append(f"finally {i}")
    return out


def finally_overrides():
    try:
        return "try"
    finally:
        return "finally"


def else_clause(x):
    try:
        r = 10 / x
    except ZeroDivisionError:
        return "error"
    else:
        return f"ok {r}"
    finally:
        print("  finally for", x)


print(control_flow())
print(finally_overrides())
print(else_clause(2), else_clause(0))
try:
    try:
        {}["missing"]
    except KeyError as e:
        raise ValueError("lookup failed") from e
except ValueError as e:
    print(repr(e), "cause:", repr(e.__cause__), "suppress:", e.__suppress_context__)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise RuntimeError("during handling")
except RuntimeError as e:
    print(repr(e), "context:", repr(e.__context__))
try:
    try:
        raise TypeError("inner")
    except TypeError:
        raise OSError("outer") from None
except OSError as e:
    print(repr(e), e.__cause__, e.__suppress_context__)
e = ValueError("with notes")
e.add_note("first note")
e.add_note("second note")
print(e.__notes__)


class AppError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


class NotFound(AppError):
    pass


try:
    raise NotFound(404, "no such page")
except AppError as e:
    print(type(e).__name__, e.code, e, e.args)
