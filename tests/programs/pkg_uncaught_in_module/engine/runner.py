from .steps import STEPS


def run(names):
    for name in names:
        print("step", name, "->", STEPS[name]())
