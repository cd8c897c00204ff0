import sys

def show(label, eg):
    print(label, type(eg).__name__, repr(eg))

def basic():
    try:
        raise ExceptionGroup("eg", [ValueError(1), TypeError(2), ValueError(3)])
    except* ValueError as e:
        show("value", e)
        print("exc_info is match:", sys.exc_info()[1] is e)
    except* TypeError as e:
        show("type", e)

def naked():
    try:
        raise KeyError("k")
    except* KeyError as e:
        show("naked", e)
        print([type(x).__name__ for x in e.exceptions])

def partial():
    try:
        try:
            raise ExceptionGroup("eg", [ValueError(1), OSError(2)])
        except* ValueError:
            print("handled values")
    except ExceptionGroup as rest:
        show("rest", rest)

def raising():
    try:
        try:
            raise ExceptionGroup("eg", [ValueError(1), TypeError(2)])
        except* ValueError:
            raise RuntimeError("from handler")
        except* TypeError as t:
            print("type clause ran", t)
    except (ExceptionGroup, RuntimeError) as out:
        show("raised", out)
        print("context", repr(out.__context__))

def two_raise():
    try:
        try:
            raise ExceptionGroup("eg", [ValueError(1), TypeError(2), OSError(3)])
        except* ValueError:
            raise RuntimeError("r1")
        except* TypeError:
            raise KeyError("r2")
    except ExceptionGroup as out:
        show("two", out)
        print([type(x).__name__ for x in out.exceptions])

def unmatched_naked():
    try:
        try:
            raise ZeroDivisionError("z")
        except* ValueError:
            print("not here")
    except ZeroDivisionError as z:
        print("naked passes through", repr(z))

def else_finally():
    for exc in [None, ValueError("v")]:
        try:
            if exc:
                raise exc
        except* ValueError as e:
            print("caught", e.exceptions)
        else:
            print("else ran")
        finally:
            print("finally ran")
    print("name unbound:", "e" not in locals())

def bad_type():
    try:
        try:
            raise ValueError
        except* ExceptionGroup:
            pass
    except TypeError as t:
        print("TE", t)
    try:
        try:
            raise ValueError
        except* 42:
            pass
    except TypeError as t:
        print("TE", t)

def nested_groups():
    try:
        raise ExceptionGroup("outer", [ValueError(1), ExceptionGroup("inner", [TypeError(2), ValueError(3)])])
    except* ValueError as v:
        show("v", v)
    except* TypeError as t:
        show("t", t)

def in_generator():
    try:
        yield 1
        raise ExceptionGroup("g", [KeyError("a")])
    except* KeyError as k:
        yield f"gen caught {k.exceptions}"

# (One exception raised from a clause: CPython 3.11.4 stopped wrapping it
# in a group; the runtime is 3.11.2, so that case is not compared here.)
for f in [basic, naked, partial, two_raise, unmatched_naked, else_finally, bad_type, nested_groups]:
    f()
print(list(in_generator()))

def state_after_unmatched():
    # An exception no clause takes goes on with the handled exception
    # (sys.exc_info()) as it was before the try.
    try:
        raise KeyError("outer")
    except KeyError:
        try:
            try:
                raise ExceptionGroup("t", [ValueError("V")])
            except* SyntaxError:
                pass
        except ExceptionGroup as e:
            print("went on:", repr(e), "handled:", repr(sys.exc_info()[1]))
        print("still handled:", repr(sys.exc_info()[1]))
    print("after all:", sys.exc_info())

state_after_unmatched()

def uncaught():
    try:
        raise ExceptionGroup("final", [ValueError("left")])
    except* TypeError:
        pass

uncaught()
