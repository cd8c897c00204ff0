# -*- coding: koi8-r -*-
WORD = "Питон"


def shout():
    return WORD.upper() + "!"
