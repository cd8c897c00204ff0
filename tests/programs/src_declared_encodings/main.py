# -*- coding: latin-1 -*-
# A script in Latin-1 and a module in KOI8-R: both read as the declarations
# say, in native functions and at module level.
import cyrillic

MODULE_LEVEL = "café"


def native():
    return "naïve", len("naïve")


print(MODULE_LEVEL, len(MODULE_LEVEL), native())
print(cyrillic.WORD, len(cyrillic.WORD), cyrillic.shout())
print(cyrillic.WORD.encode("utf-8"))
