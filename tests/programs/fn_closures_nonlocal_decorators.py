import functools

counter_log = []


def make_counter(start=0):
    count = start

    def increment(step=1):
        nonlocal count
        count += step
        return count

    def reset():
        nonlocal count
        count = start

    return increment, reset


TOTAL = 0


def add_total(n):
    global TOTAL
    TOTAL += n
    return TOTAL


def trace(prefix):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            counter_log.append(f"{prefix}{fn.__name__}{args}")
            return fn(*args, **kwargs)
        return wrapper
    return decorator


def twice(fn):
    def wrapper(*args):
        return fn(fn(*args))
    return wrapper


@trace("> ")
@twice
def square(x):
    """Squares x."""
    return x * x


def register(cls):
    cls.registered = True
    return cls


@register
class Thing:
    pass


inc, reset = make_counter(10)
print(inc(), inc(5), inc())
reset()
print(inc(2))
print(add_total(3), add_total(4), TOTAL)
print(square(3), square.__name__, square.__doc__, counter_log)
print(Thing.registered, square.__wrapped__.__name__)
adders = [lambda x, i=i: x + i for i in range(3)]
late = [lambda x: x + i for i in range(3)]
print([f(10) for f in adders], [f(10) for f in late])
print(inc.__code__.co_freevars, inc.__closure__[0].cell_contents)
