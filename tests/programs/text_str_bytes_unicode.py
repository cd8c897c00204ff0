s = "  Hello, Wörld! Ünïcödé — ∑ 😀  "
print(repr(s.strip()), s.lower().strip(), s.upper().strip(), s.title().strip(), s.swapcase().strip())
print(s.split(), s.strip().split(", "), "a,b,,c".split(","), "a b  c".split(None, 1), "x\ny\r\nz".splitlines())
print(s.find("W"), s.count("l"), s.replace("l", "L", 2).strip(), s.strip().startswith("Hello"), len(s))
print("-".join(["a", "b", "c"]), "abc".center(9, "*"), "42".zfill(6), "tab\there".expandtabs(4), "ab" * 3)
print("hello world".partition(" "), "a.b.c".rpartition("."), "Python".casefold(), "ß".upper(), "ǅ".lower())
print("abc".isalpha(), "123".isdigit(), "½".isnumeric(), " ".isspace(), "Title Case".istitle(), "_x1".isidentifier())
enc = s.strip().encode("utf-8")
print(len(enc), enc[:12], enc.decode("utf-8") == s.strip())
print("café".encode("latin-1"), "café".encode("utf-16-le"), "naïve".encode("ascii", errors="replace"),
      "naïve".encode("ascii", errors="xmlcharrefreplace"), b"caf\xe9".decode("latin-1"))
print(b"\xff\xfe".decode("utf-8", errors="replace"), b"abc\xff".decode("utf-8", errors="backslashreplace"),
      "😀".encode("utf-16"), len("😀".encode("utf-32-be")))
try:
    b"\xe9".decode("utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError:", e)
ba = bytearray(b"hello")
ba[0] = ord("J")
ba.extend(b"!!")
print(ba, bytes(ba).hex(), bytes.fromhex("de ad be ef"), ba.upper(), b"a-b-c".split(b"-"), memoryview(b"xyz")[1:].tobytes())
print(ord("€"), chr(8364), "\N{GREEK SMALL LETTER ALPHA}", "\u00e9" == "é", [c for c in "añ😀"], ascii("añ😀"))
print(sorted(["banana", "Apple", "cherry", "apple"]), sorted(["banana", "Apple", "cherry"], key=str.lower))
print(str.maketrans("abc", "xyz"), "aabbcc".translate(str.maketrans("abc", "xyz", "c")), f"{'x' * 3:>5}")
