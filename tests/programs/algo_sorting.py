import random


def bubble(a):
    a = list(a)
    for i in range(len(a)):
        for j in range(len(a) - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return a


def merge_sort(a):
    if len(a) <= 1:
        return list(a)
    mid = len(a) // 2
    left, right = merge_sort(a[:mid]), merge_sort(a[mid:])
    out = []
    while left and right:
        out.append(left.pop(0) if left[0] <= right[0] else right.pop(0))
    return out + left + right


def quick_sort(a):
    if len(a) <= 1:
        return list(a)
    pivot, *rest = a
    return quick_sort([x for x in rest if x < pivot]) + [pivot] + quick_sort([x for x in rest if x >= pivot])


def heap_sort(a):
    a = list(a)
    n = len(a)

    def sift(i, size):
        while True:
            big, l, r = i, 2 * i + 1, 2 * i + 2
            if l < size and a[l] > a[big]:
                big = l
            if r < size and a[r] > a[big]:
                big = r
            if big == i:
                return
            a[i], a[big] = a[big], a[i]
            i = big

    for i in range(n // 2 - 1, -1, -1):
        sift(i, n)
    for end in range(n - 1, 0, -1):
        a[0], a[end] = a[end], a[0]
        sift(0, end)
    return a


rng = random.Random(2024)
data = [rng.randint(-1000, 1000) for _ in range(300)]
expected = sorted(data)
for fn in (bubble, merge_sort, quick_sort, heap_sort):
    print(fn.__name__, fn(data) == expected, fn(data)[:5])
people = [("ann", 31), ("bob", 25), ("cy", 31), ("di", 25)]
print(sorted(people, key=lambda p: (-p[1], p[0])), sorted(people, key=lambda p: p[1]), min(people, key=lambda p: p[1]))
