def load():
    return "loaded"


def step():
    return 42


def explode():
    values = {"a": 1}
    return values["b"]


STEPS = {"load": load, "step": step, "explode": explode}
