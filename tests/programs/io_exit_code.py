import atexit
import sys

atexit.register(lambda: print("atexit handler runs"))
print("exiting with 3")
sys.stdout.flush()
try:
    sys.exit(3)
finally:
    print("finally runs before exit")
