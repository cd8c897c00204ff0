def parse(value):
    return int(value)


def total(values):
    return sum(parse(v) for v in values)


print("total:", total(["1", "2", "3"]))
print("about to fail")
total(["4", "five"])
print("never printed")
