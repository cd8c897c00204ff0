# Tracebacks through the standard library show its source lines, and
# inspect and linecache read its source (the image carries it compressed).
import inspect
import json
import linecache
import sys
import traceback


def parse(text):
    return json.loads(text)


try:
    parse("{")
except json.JSONDecodeError:
    traceback.print_exc(file=sys.stdout)

print(inspect.getsource(json.dumps).splitlines()[0])
print(linecache.getline(json.__file__, 1).rstrip())
print(inspect.getsourcelines(json.JSONDecoder.decode)[1])
parse("[1, 2")
