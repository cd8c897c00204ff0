from collections import Counter

from .storage import save


class Inventory:
    def __init__(self):
        self.items = Counter()

    def add(self, name, qty):
        self.items[name] += qty
        save(name, self.items[name])

    def remove(self, name, qty):
        if name not in self.items:
            raise KeyError(f"no {name} in stock")
        self.items[name] -= qty

    def report(self):
        return ", ".join(f"{k}={v}" for k, v in sorted(self.items.items()))
