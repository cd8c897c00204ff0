import re

log = """2024-01-05 ERROR disk full on /dev/sda1
2024-01-06 INFO backup done (42 files)
2024-02-11 WARN cpu at 97%
2024-02-12 ERROR net down: eth0"""
pattern = re.compile(r"^(?P<date>\d{4}-(?P<month>\d\d)-\d\d) (?P<level>[A-Z]+) (?P<msg>.*)$", re.M)
for m in pattern.finditer(log):
    print(m.group("date"), m["level"], m.group("msg")[:12], m.span("level"), m.groupdict()["month"])
print(re.findall(r"\d+", log)[:8], re.findall(r"(\w+) (\d+)", "a 1 b 22 c 333"))
print(re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", log.splitlines()[0]))
print(re.sub(r"\d+", lambda m: str(int(m.group()) * 2), "3 apples and 12 pears"))
print(re.split(r"[,;]\s*", "a, b;c,d ;  e"), re.split(r"(-)", "1-2-3"), re.split(r"x*", "axbc"))
print(re.match(r"a+", "aaab").group(), re.match(r"b", "ab"), re.search(r"b+", "abbbc").group(), re.fullmatch(r"\w+", "abc!"))
print(re.findall(r"(?i)error|warn", log), bool(re.search(r"^INFO", log, re.M)), re.escape("a.b*c?"))
print(re.subn(r"\s+", " ", "a   b \t c\n d"), re.findall(r"(?<=\$)\d+", "cost $30 or $45"), re.findall(r"\b\w+(?=ing\b)", "singing dancing sing"))
p = re.compile(r"""
    (?P<user>[\w.]+)   # user
    @
    (?P<host>[\w.]+)   # host
""", re.X)
print([m.groupdict() for m in p.finditer("mail ann.lee@example.com and bob@test.org")])
print(re.findall(r"[à-ÿ]+", "café naïve"), re.findall(r"\w+", "日本語 text"), re.compile(r"(a)(b)?").match("a").groups())
try:
    re.compile(r"(unclosed")
except re.error as e:
    print("re.error:", e)
