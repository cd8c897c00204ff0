import base64
import binascii
import bz2
import gzip
import hashlib
import hmac
import io
import lzma
import warnings
import zlib

data = b"The quick brown fox jumps over the lazy dog" * 20
for name in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "sha3_256", "sha3_512"]:
    print(name, hashlib.new(name, data).hexdigest()[:24])
h = hashlib.sha256()
for i in range(0, len(data), 100):
    h.update(data[i:i + 100])
print(h.hexdigest() == hashlib.sha256(data).hexdigest(), h.digest_size, h.block_size, h.name)
print(hashlib.shake_256(b"x").hexdigest(10), hashlib.blake2b(b"k", key=b"secret", digest_size=16).hexdigest())
print(hmac.new(b"key", b"msg", "sha256").hexdigest()[:32], hmac.compare_digest(b"a", b"a"))
with warnings.catch_warnings():
    # Without OpenSSL (as on WASI) CPython falls back to a pure-Python
    # pbkdf2_hmac that warns it is deprecated; the result is the same.
    warnings.simplefilter("ignore", DeprecationWarning)
    print(hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000).hex()[:32])
for mod in (zlib, bz2, lzma):
    comp = mod.compress(data)
    print(mod.__name__, len(comp) < len(data), mod.decompress(comp) == data)
print(zlib.crc32(data), zlib.adler32(data), binascii.crc32(b"abc"), len(zlib.compress(data, level=1)))
d = zlib.decompressobj()
stream = zlib.compress(data)
print(len(d.decompress(stream[:50]) + d.decompress(stream[50:]) + d.flush()))
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
    f.write(data)
print(len(buf.getvalue()) < 200, gzip.decompress(buf.getvalue()) == data)
print(base64.b64encode(b"py2wasm!"), base64.b64decode("cHkyd2FzbSE="), base64.urlsafe_b64encode(b"\xfb\xff"),
      base64.b32encode(b"abc"), base64.b16encode(b"\x01\xab"), binascii.hexlify(b"\x00\xff", "-"), base64.a85encode(b"hi"))
