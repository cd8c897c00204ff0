from .. import VERSION as PARENT_VERSION

DENSITY = 2.5 if PARENT_VERSION == "1.0" else 0
