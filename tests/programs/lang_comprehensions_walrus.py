words = ["apple", "banana", "cherry", "date", "elderberry", "fig"]
print([w.upper() for w in words if len(w) > 4])
print({len(w) for w in words})
print({w[0]: len(w) for w in words})
print([(i, j) for i in range(3) for j in range(i)])
print([[r * c for c in range(1, 4)] for r in range(1, 4)])
print(sum(x * x for x in range(10) if x % 3))
x = "outer"
print([x for x in range(3)], x)
z = [3, 1, 2]
print([y for y in z if (big := y) > 1], big, z)
data = [4, 8, 15, 16, 23, 42]
if (n := len(data)) > 5:
    print(f"{n} items, mean {sum(data) / n:.2f}")
print([half for v in data if (half := v / 2) > 5])
stack = [1, 2, 3]
while (top := stack.pop() if stack else None) is not None:
    print("popped", top)
matrix = [[1, 2, 3], [4, 5, 6]]
print([list(col) for col in zip(*matrix)], [v for row in matrix for v in row])
print(dict(zip("abc", range(3))), {k: v for k, v in sorted({"b": 2, "a": 1}.items())})
