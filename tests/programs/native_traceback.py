# An uncaught exception raised three native frames deep: the traceback
# must name each frame, line and the carets under the failing expression.


def parse(text):
    value = int(text)
    return value * 2


def total(items):
    acc = 0
    for item in items:
        acc += parse(item)
    return acc


class Ledger:
    def __init__(self, rows):
        self.rows = rows

    def check(self):
        return total(self.rows) + self.rows.missing_attribute


print(total(["1", "2", "3"]))
try:
    Ledger(["4"]).check()
except AttributeError as e:
    print("caught:", e)
Ledger(["5", "x"]).check()
