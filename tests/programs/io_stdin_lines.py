import sys

total = 0
words = 0
for lineno, line in enumerate(sys.stdin, 1):
    line = line.rstrip("\n")
    words += len(line.split())
    nums = [int(tok) for tok in line.split() if tok.lstrip("-").isdigit()]
    total += sum(nums)
    print(f"{lineno:3}: {line!r} nums={nums}")
print("words:", words, "total:", total)
print("stdin at EOF:", sys.stdin.read() == "")
