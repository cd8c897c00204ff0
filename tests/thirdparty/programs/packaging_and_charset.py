# packaging (versions, specifiers, markers) and charset-normalizer (a
# mypyc build: the Python source beside each compiled module runs).
from charset_normalizer import from_bytes
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

vs = sorted(Version(v) for v in ["1.0", "1.0rc1", "1.0.post1", "0.9", "1.0a2", "2!0.1"])
print(vs)
spec = SpecifierSet(">=1.0,<2,!=1.3.*")
print([str(v) for v in vs if v in spec], "1.3.1" in spec, "1.4" in spec)
r = Requirement('requests[security]>=2.8.1,==2.8.*; python_version < "3.12"')
print(r.name, sorted(r.extras), r.specifier, r.marker, r.marker.evaluate())
print(Marker('os_name == "posix" and python_version >= "3.11"').evaluate())
best = from_bytes("Bonjour, ça va? Très bien, merci. Où est la gare?".encode("cp1252")).best()
print(best.encoding, str(best))
print(from_bytes("Привет, как дела? Всё хорошо.".encode("utf-8")).best().encoding)
