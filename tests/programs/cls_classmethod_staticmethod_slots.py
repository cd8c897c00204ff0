class Date:
    __slots__ = ("year", "month", "day")
    created = 0

    def __init__(self, year, month, day):
        self.year, self.month, self.day = year, month, day
        type(self).created += 1

    @classmethod
    def from_string(cls, text):
        return cls(*map(int, text.split("-")))

    @staticmethod
    def is_leap(year):
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)

    def __repr__(self):
        return f"{type(self).__name__}({self.year}, {self.month}, {self.day})"


class MyDate(Date):
    __slots__ = ("note",)


d = Date.from_string("2024-02-29")
m = MyDate.from_string("1999-12-31")
print(d, m, Date.created)
print([Date.is_leap(y) for y in (1900, 2000, 2023, 2024)], d.is_leap(2100))
try:
    d.extra = 1
except AttributeError as e:
    print("AttributeError:", e)
m.note = "party"
print(m.note, hasattr(d, "__dict__"), Date.__slots__, MyDate.__slots__)
print(type(Date.__dict__["from_string"]).__name__, type(Date.__dict__["is_leap"]).__name__)
