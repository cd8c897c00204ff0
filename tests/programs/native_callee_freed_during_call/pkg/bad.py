# A module __getattr__ that deletes itself from the module's dict while it
# runs: module_getattro calls it borrowed from that dict, so only the call
# keeps the function alive (CPython's frame does, and so must native code).
def __getattr__(name):
    if name.startswith("del"):
        del globals()["__getattr__"]
    raise AttributeError(f"no {name}")
