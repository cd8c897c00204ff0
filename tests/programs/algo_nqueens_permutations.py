def solve(n):
    solutions = []
    cols, d1, d2 = set(), set(), set()
    board = []

    def place(row):
        if row == n:
            solutions.append(tuple(board))
            return
        for c in range(n):
            if c in cols or row - c in d1 or row + c in d2:
                continue
            cols.add(c); d1.add(row - c); d2.add(row + c); board.append(c)
            place(row + 1)
            cols.discard(c); d1.discard(row - c); d2.discard(row + c); board.pop()

    place(0)
    return solutions


for n in range(1, 8):
    print(n, len(solve(n)))
first = solve(6)[0]
for c in first:
    print("".join("Q" if i == c else "." for i in range(6)))


def permutations(items):
    if len(items) <= 1:
        yield list(items)
        return
    for i, x in enumerate(items):
        for rest in permutations(items[:i] + items[i + 1:]):
            yield [x] + rest


print(list(permutations("abc")), sum(1 for _ in permutations(list(range(6)))))
