# The standard library's files are where __file__ says, readable as in
# CPython: open, os.stat, os.listdir, os.scandir, importlib.resources and
# pkgutil.get_data (the compiled program serves them from its image).
import argparse
import importlib.resources
import inspect
import json
import json.decoder
import json.scanner
import json.tool
import os
import pkgutil

here = os.path.dirname(json.__file__)
print(os.path.isfile(json.__file__), os.path.isdir(here), os.path.exists(here + "/nothing.py"))
with open(argparse.__file__, encoding="utf-8") as f:
    print(f.readline().rstrip())
    f.seek(0)
    print(len(f.read()) == os.stat(argparse.__file__).st_size)
print(sorted(n for n in os.listdir(here) if n.endswith(".py")))
print(sorted(e.name for e in os.scandir(here) if e.is_file() and e.name.endswith(".py")))
with open(json.decoder.__file__, "rb") as f:
    data = f.read()
print(len(data) == os.path.getsize(json.decoder.__file__), data.splitlines()[0])
print(importlib.resources.files("json").joinpath("tool.py").read_text().splitlines()[0])
print(pkgutil.get_data("json", "scanner.py").splitlines()[0])
print(inspect.getsourcefile(json.decoder) == json.decoder.__file__)
try:
    open(os.path.join(here, "missing.py"))
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno == 2 or e.errno == 44)
try:
    os.listdir(json.__file__)
except NotADirectoryError:
    print("NotADirectoryError")
