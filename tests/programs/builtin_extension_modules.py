"""Every C extension module the runtime builds in, imported and used once."""
import _bisect, _heapq, _json, _random, _struct, _csv, _pickle, _datetime, _decimal
import _md5, _sha1, _sha256, _sha512, _blake2, _sha3
import _bz2, _lzma, _sqlite3, _elementtree, _zoneinfo, _socket, _asyncio
import array, cmath, math, pyexpat, select, unicodedata, zlib
import _codecs_cn, _codecs_hk, _codecs_iso2022, _codecs_jp, _codecs_kr, _codecs_tw
import io

print("bisect", _bisect.bisect_left([1, 3, 5, 7], 5))
h = [5, 1, 4]
_heapq.heapify(h)
print("heapq", _heapq.heappop(h), h)
print("json", _json.encode_basestring_ascii("é\n"), _json.scanstring('"ab\\u00e9"', 1))
r = _random.Random(7)
print("random", r.getrandbits(16))
print("struct", _struct.pack("<hif", 1, -2, 0.5).hex(), _struct.unpack(">I", b"\x00\x00\x01\x00"))
out = io.StringIO()
_csv.writer(out).writerow(["a,b", 1, None])
print("csv", repr(out.getvalue()))
print("pickle", _pickle.loads(_pickle.dumps({"k": (1, 2.5, "s")}, protocol=5)))
print("datetime", _datetime.date(2024, 2, 29) + _datetime.timedelta(days=1))
print("decimal", _decimal.Decimal("1.1") + _decimal.Decimal("2.2"), _decimal.getcontext().prec)
for mod, name in [(_md5, "md5"), (_sha1, "sha1"), (_sha256, "sha256"), (_sha512, "sha512")]:
    print(name, getattr(mod, name)(b"py2wasm").hexdigest()[:16])
print("blake2", _blake2.blake2b(b"py2wasm", digest_size=8).hexdigest(), _blake2.blake2s(b"x").hexdigest()[:8])
print("sha3", _sha3.sha3_256(b"py2wasm").hexdigest()[:16], _sha3.shake_128(b"x").hexdigest(4))
data = b"spam and eggs " * 50
print("bz2", len(_bz2.BZ2Decompressor().decompress(__import__("bz2").compress(data))))
print("lzma", _lzma.LZMADecompressor().decompress(__import__("lzma").compress(data)) == data)
print("zlib", zlib.decompress(zlib.compress(data, 9)) == data, hex(zlib.crc32(data)), zlib.adler32(b"abc"))
db = _sqlite3.connect(":memory:")
db.execute("create table t (n integer, s text)")
db.executemany("insert into t values (?, ?)", [(i, str(i) * i) for i in range(1, 6)])
print("sqlite3", db.execute("select count(*), sum(n), max(length(s)) from t").fetchone(), _sqlite3.sqlite_version.count(".") == 2)
root = _elementtree.XMLParser()
root.feed("<r a='1'><c>text</c></r>")
tree = root.close()
print("elementtree", tree.tag, tree.attrib, tree[0].text)
p = pyexpat.ParserCreate()
seen = []
p.StartElementHandler = lambda name, attrs: seen.append((name, attrs))
p.Parse("<doc x='y'><e/></doc>", True)
print("pyexpat", seen)
print("zoneinfo", _zoneinfo.ZoneInfo.__name__, hasattr(_zoneinfo.ZoneInfo, "from_file"))
print("socket", _socket.AF_INET > 0, _socket.htons(1) in (1, 256), _socket.inet_aton("1.2.3.4"))
print("asyncio", hasattr(_asyncio, "Future"), hasattr(_asyncio, "Task"))
a = array.array("i", [3, 1, 2])
a.append(9)
print("array", a.tolist(), a.itemsize, a.tobytes()[:4])
print("cmath", cmath.sqrt(-4), cmath.phase(-1))
print("math", math.factorial(20), math.isqrt(10**20 + 1), math.gcd(84, 36), math.comb(10, 3))
print("select", hasattr(select, "select"), hasattr(select, "poll"))
print("unicodedata", unicodedata.name("\u00e9"), unicodedata.normalize("NFD", "\u00e9").encode(), unicodedata.category("A"))
print("cjk", "日本語".encode("euc_jp"), "中文".encode("gb2312"), "香港".encode("big5hkscs"),
      "한국".encode("euc_kr"), "日本".encode("iso2022_jp"), "臺灣".encode("big5"))
print("cjk codecs", _codecs_cn.getcodec("gbk").__class__.__name__, _codecs_jp.getcodec("cp932") is not None,
      _codecs_hk.getcodec("big5hkscs") is not None, _codecs_kr.getcodec("cp949") is not None,
      _codecs_tw.getcodec("cp950") is not None, _codecs_iso2022.getcodec("iso2022_kr") is not None)
