import array
import csv
import difflib
import io
import operator
import pprint
import statistics
import unicodedata
import xml.etree.ElementTree as ET
from contextvars import ContextVar

a = array.array("d", [1.5, 2.5])
a.extend([3.5])
print(a, a.tolist(), a.typecode, array.array("b", b"\x01\xff").tolist(), array.array("u", "hi").tounicode())
buf = io.StringIO()
w = csv.writer(buf)
w.writerow(["name", "quote", "n"])
w.writerow(["ann", 'said "hi", left', 3])
print(repr(buf.getvalue()))
print(list(csv.DictReader(io.StringIO(buf.getvalue()))))
print(list(difflib.unified_diff(["a\n", "b\n", "c\n"], ["a\n", "c\n", "d\n"], "old", "new")))
print(difflib.SequenceMatcher(None, "kitten", "sitting").ratio(), difflib.get_close_matches("appel", ["ape", "apple", "peach"]))
print(operator.itemgetter(1, 0)(["x", "y"]), operator.attrgetter("real")(3 + 4j), operator.methodcaller("upper")("a"))
pprint.pprint({"deep": {"list": list(range(25)), "tuple": ("a" * 30, "b" * 30)}, "z": None}, width=60)
print(statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]), statistics.mode("aabc"), round(statistics.stdev([2, 4, 4, 5]), 6))
print(unicodedata.lookup("SNOWMAN"), unicodedata.east_asian_width("漢"), unicodedata.decimal("٣"), unicodedata.bidirectional("א"))
root = ET.fromstring("<lib><book id='1'><title>A</title></book><book id='2'><title>B</title></book></lib>")
print([(b.get("id"), b.findtext("title")) for b in root.iter("book")], root.find("./book[@id='2']/title").text)
new = ET.SubElement(root, "book", id="3")
ET.SubElement(new, "title").text = "C & D"
print(ET.tostring(root, encoding="unicode")[-50:])
var = ContextVar("var", default="default")
token = var.set("changed")
print(var.get(), end=" ")
var.reset(token)
print(var.get())
