# The frames a traceback holds for native functions: a free variable reads
# through its cell (f_locals), and clear() empties them.
def make_frames():
    def outer():
        x = 5

        def inner():
            z = x + 2
            1 / 0
            return z

        return inner()

    try:
        outer()
    except ZeroDivisionError as e:
        tb = e.__traceback__
        frames = []
        while tb:
            frames.append(tb.tb_frame)
            tb = tb.tb_next
    return frames


f, outer, inner = make_frames()
print(inner.f_locals["x"], inner.f_code.co_name, outer.f_code.co_name, inner.f_lineno - inner.f_code.co_firstlineno)
print(inner.f_code.co_freevars, outer.f_code.co_cellvars)
outer.clear()
inner.clear()
print(outer.f_locals, inner.f_locals)
