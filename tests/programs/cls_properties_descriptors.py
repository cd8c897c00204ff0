class Celsius:
    def __init__(self, degrees=0.0):
        self._degrees = degrees

    @property
    def degrees(self):
        return self._degrees

    @degrees.setter
    def degrees(self, value):
        if value < -273.15:
            raise ValueError(f"{value} is below absolute zero")
        self._degrees = value

    @degrees.deleter
    def degrees(self):
        print("resetting")
        self._degrees = 0.0

    @property
    def fahrenheit(self):
        return self._degrees * 9 / 5 + 32


class Typed:
    def __set_name__(self, owner, name):
        self.name = "_" + name
        print(f"__set_name__({owner.__name__}, {name})")

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, None)

    def __set__(self, obj, value):
        if not isinstance(value, int):
            raise TypeError(f"{self.name[1:]} must be int, got {type(value).__name__}")
        setattr(obj, self.name, value)


class Point:
    x = Typed()
    y = Typed()

    def __init__(self, x, y):
        self.x, self.y = x, y


c = Celsius(25)
print(c.degrees, c.fahrenheit)
c.degrees = -40
print(c.degrees, c.fahrenheit)
del c.degrees
print(c.degrees)
try:
    c.degrees = -300
except ValueError as e:
    print("ValueError:", e)
try:
    c.fahrenheit = 3
except AttributeError as e:
    print("AttributeError:", e)
p = Point(1, 2)
print(p.x, p.y, type(Point.x).__name__)
try:
    p.y = "two"
except TypeError as e:
    print("TypeError:", e)
