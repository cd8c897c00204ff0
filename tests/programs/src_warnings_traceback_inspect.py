import inspect
import sys
import traceback
import warnings


def old_api(x):
    warnings.warn("old_api is deprecated", DeprecationWarning, stacklevel=2)
    return x * 2


def risky(n):
    return [1, 2, 3][n]


warnings.simplefilter("always")
print(old_api(21))
warnings.warn("plain user warning")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_api(1)
print([str(w.message) for w in caught], caught[0].category.__name__, caught[0].lineno)
try:
    risky(10)
except IndexError:
    traceback.print_exc()
    print("formatted:", traceback.format_exc().splitlines()[-1])
    tb = sys.exc_info()[2]
    print([(f.name, f.lineno, f.line) for f in traceback.extract_tb(tb)])
print(inspect.getsource(risky))
print(inspect.signature(old_api), inspect.getdoc(inspect.getsource) is not None, inspect.isfunction(risky))
print(inspect.getsourcelines(old_api)[1], inspect.getmodule(risky).__name__)
