def raise_group():
    raise ExceptionGroup("batch", [ValueError("v1"), TypeError("t1"), ValueError("v2"),
                                   ExceptionGroup("nested", [KeyError("k"), ValueError("v3")])])


try:
    raise_group()
except* ValueError as eg:
    print("ValueErrors:", [str(e) for e in eg.exceptions], repr(eg.message))
except* TypeError as eg:
    print("TypeErrors:", [str(e) for e in eg.exceptions])
except* KeyError as eg:
    print("KeyErrors:", eg.exceptions[0].exceptions)

eg = ExceptionGroup("all", [ValueError(1), TypeError(2), ValueError(3)])
match, rest = eg.split(ValueError)
print(match.exceptions, rest.exceptions)
print(eg.subgroup(lambda e: isinstance(e, TypeError)).exceptions)
try:
    try:
        raise ExceptionGroup("g", [OSError("disk")])
    except* OSError:
        print("handled OSError")
        raise
except ExceptionGroup as g:
    print("re-raised:", g.exceptions)
try:
    raise BaseExceptionGroup("base", [KeyboardInterrupt()])
except BaseExceptionGroup as g:
    print(type(g).__name__, g.exceptions)
