# String constants that are not valid UTF-8 (lone surrogates) keep their
# code points, in native functions and at module level.
import unicodedata

MODULE_LEVEL = "a\ud800b"


def lone():
    return "\udcdc" + "ok"


def joined():
    return "x" "\udfff" 'y'


def named():
    return "\N{GREEK SMALL LETTER ALPHA}\ud83d"


def raw_and_bytes():
    return r"\ud800", b"\xed\xa0\x80"


for s in (MODULE_LEVEL, lone(), joined(), named()):
    print(len(s), [hex(ord(c)) for c in s])
    print(s.encode("utf-8", "surrogatepass"))
print(raw_and_bytes())
print(unicodedata.name(named()[0]))
