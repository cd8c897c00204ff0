import sys


def level3(items, i):
    return items[i] * 2


def level2(items):
    return [level3(items, i) for i in range(len(items) + 1)]


def level1():
    data = [1, 2, 3]
    print("processing", data, file=sys.stderr)
    return level2(data)


sys.stdout.write("stdout before the error\n")
level1()
