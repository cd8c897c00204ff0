import sys

print("a", "b", "c", sep="-", end="!\n")
print("no newline", end="")
print()
print("to stderr", 1, 2, file=sys.stderr, sep=", ")
sys.stderr.write("direct write\n")
print(*range(5), sep="")
print("flushed", flush=True)
sys.stdout.write("write returns %d\n" % sys.stdout.write(""))
print(sys.stdout.encoding, sys.stdout.isatty(), sys.stdin.isatty())
