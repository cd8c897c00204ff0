# `from M import NAME` failing in compiled code: ImportError's name and path
# as CPython's IMPORT_FROM sets them, the circular-import wording for a
# module still being initialised, and a syntax error in a module the
# program imports (a warning at compile time; SyntaxError when imported).
import os
import sys

try:
    import circ.first  # noqa: F401
except ImportError as e:
    print(e.name, os.path.basename(e.path))
    print(str(e).replace(os.path.dirname(os.path.abspath(__file__)), "DIR"))

try:
    from os import does_not_exist  # noqa: F401
except ImportError as e:
    print(e.name, e.path == os.__file__, str(e).replace(sys.prefix, "PREFIX"))

try:
    from circ import no_such_thing  # noqa: F401
except ImportError as e:
    print(e.name, os.path.basename(e.path), str(e).replace(os.path.dirname(os.path.abspath(__file__)), "DIR"))

try:
    import circ.broken  # noqa: F401
except SyntaxError as e:
    print(type(e).__name__, e.msg, os.path.basename(e.filename), e.lineno)
