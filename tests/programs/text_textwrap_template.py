import string
import textwrap

text = ("py2wasm turns Python programs into a single WebAssembly module that runs anywhere "
        "a WASI host does, with CPython's semantics and its standard library.")
print(textwrap.fill(text, width=40))
print(textwrap.wrap(text, width=30)[:3])
print(textwrap.shorten(text, width=50, placeholder=" [...]"))
print(textwrap.indent("line one\nline two\n\nline four", "> "))
print(repr(textwrap.dedent("""
    indented
      more
    back
""")))
t = string.Template("$name scored ${points} points, $$5 bonus")
print(t.substitute(name="Ann", points=42), t.safe_substitute(name="Bob"))
try:
    t.substitute(name="X")
except KeyError as e:
    print("KeyError:", e)
print(string.ascii_letters[:10], string.digits, string.punctuation[:8], string.capwords("hello big  world"))
fmt = string.Formatter()
print(fmt.format("{0:>5}|{x:^5}|", "a", x="b"), list(fmt.parse("a{b}c{d!r:>3}")))
