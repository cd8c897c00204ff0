# A standard library module's cached bytecode is where CPython keeps it
# (its __cached__), valid for its source; pydoc reads it, imports files by
# path with loaders equal to the modules' own, and scans every built-in
# module (whose C code imports Python modules) without failing.
import importlib._bootstrap_external as external
import importlib.util
import marshal
import os
import pkgutil
import pydoc
import json
import textwrap

cached = textwrap.__cached__
print("cached is cache_from_source:", cached == importlib.util.cache_from_source(textwrap.__file__))
print("exists:", os.path.isfile(cached), "in listing:", os.path.basename(cached) in os.listdir(os.path.dirname(cached)))
stdlib = os.path.dirname(textwrap.__file__)
print("__pycache__ listed and a directory:", "__pycache__" in os.listdir(stdlib), os.path.isdir(os.path.dirname(cached)))
with open(cached, "rb") as f:
    data = f.read()
print("magic:", data[:4] == importlib.util.MAGIC_NUMBER, "size matches stat:", len(data) == os.stat(cached).st_size)
st = os.stat(textwrap.__file__)
flags = external._classify_pyc(data, "textwrap", {})
external._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, "textwrap", {})
print("flags:", flags, "valid for the source: True")
code = marshal.loads(data[16:])
print("code of:", code.co_filename == textwrap.__file__, "names its functions:", "TextWrapper" in code.co_names)

print("synopsis:", pydoc.synopsis(cached), pydoc.synopsis(json.__cached__))
loaded = pydoc.importfile(textwrap.__file__)
print("importfile:", loaded is not textwrap, loaded.__name__, loaded.__spec__ == textwrap.__spec__)
print("loader equality both ways:", loaded.__loader__ == textwrap.__loader__, textwrap.__loader__ == loaded.__loader__)

walk = pkgutil.walk_packages
pkgutil.walk_packages = lambda path=None, prefix="", onerror=None: walk([], prefix, onerror)
try:
    pydoc.apropos("no-such-module-xyzzy")
    print("apropos over the built-in modules: no error")
finally:
    pkgutil.walk_packages = walk
