# sys.path, sys.prefix and stdlib __file__ are laid out as python.wasm's
# (paths differ between hosts, so the relations are printed), so code that
# resolves files relative to a stdlib module works.
import json
import os
import sys
import unittest.loader

stdlib = sys._stdlib_dir
print(os.path.isabs(stdlib), stdlib.startswith(sys.prefix), stdlib in sys.path)
print(sys.prefix == sys.exec_prefix)
print(os.__file__ == os.path.join(stdlib, "os.py"))
print(json.__file__ == os.path.join(stdlib, "json", "__init__.py"))
print(json.__path__ == [os.path.join(stdlib, "json")])
print(os.path.dirname(unittest.loader.__file__) == os.path.join(stdlib, "unittest"))
print(isinstance(__loader__, type), hasattr(__loader__, "get_source"))
for name in ("string\0", "json\0x"):
    try:
        __import__(name)
        print("imported", repr(name))
    except ModuleNotFoundError as e:
        print(type(e).__name__, e)
print(repr(os))
