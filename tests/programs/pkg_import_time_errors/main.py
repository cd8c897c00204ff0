# Warnings and exceptions raised while a module of the program is being
# imported: warnings' stacklevel and tracebacks pass over the import
# system's frames (the program's own importer's too), as in CPython.
import sys
import traceback
import warnings

warnings.simplefilter("always")
warnings.showwarning = lambda msg, cat, filename, lineno, *a: print(f"warning: {filename}:{lineno}: {msg}")

import parts.noisy  # noqa: E402

try:
    import parts.broken  # noqa: F401
except ZeroDivisionError:
    print(traceback.format_exc().replace(sys.prefix, "PREFIX"), end="")
print("broken is", "parts.broken" in sys.modules)
import parts.fatal  # noqa: E402,F401
