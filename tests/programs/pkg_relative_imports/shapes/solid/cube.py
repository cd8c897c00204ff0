from ..square import area
from . import DENSITY


class Cube:
    def __init__(self, side):
        self.side = side

    def volume(self):
        return area(self.side) * self.side * DENSITY
