import sys

from app import Inventory, __all__ as exported
import app.storage as storage
import util


def main(argv):
    inv = Inventory()
    for name, qty in [("bolt", 10), ("nut", 25), ("bolt", 5)]:
        inv.add(name, qty)
    print(inv.report())
    print(exported, storage.BACKEND, util.clamp(15, 0, 10))
    try:
        inv.remove("washer", 1)
    except KeyError as e:
        print("KeyError:", e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
