"""Sieve of Eratosthenes over a list of bools, repeated: integer loops,
list indexing and stores (issue #21's anchor for int-typed loops)."""
import sys


def sieve(limit):
    flags = [True] * (limit + 1)
    flags[0] = flags[1] = False
    i = 2
    while i * i <= limit:
        if flags[i]:
            for j in range(i * i, limit + 1, i):
                flags[j] = False
        i += 1
    count = 0
    total = 0
    for k in range(limit + 1):
        if flags[k]:
            count += 1
            total += k
    return count, total


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    result = None
    for _ in range(rounds):
        result = sieve(200_000)
    print("sieve", rounds, result)
