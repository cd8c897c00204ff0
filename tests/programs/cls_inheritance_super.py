class Base:
    def __init__(self, name):
        self.name = name
        self.log = [f"Base.__init__({name})"]

    def describe(self):
        return f"Base({self.name})"


class Left(Base):
    def __init__(self, name):
        super().__init__(name)
        self.log.append("Left.__init__")

    def describe(self):
        return "Left>" + super().describe()


class Right(Base):
    def __init__(self, name):
        super().__init__(name)
        self.log.append("Right.__init__")

    def describe(self):
        return "Right>" + super().describe()


class Diamond(Left, Right):
    def __init__(self, name):
        super(Diamond, self).__init__(name)
        self.log.append("Diamond.__init__")

    def describe(self):
        return "Diamond>" + super().describe()


d = Diamond("d")
print([c.__name__ for c in Diamond.__mro__])
print(d.log)
print(d.describe())
print(isinstance(d, Base), issubclass(Diamond, Right), Left.__bases__[0].__name__)
print(super(Left, d).describe())
try:
    class Bad(Left, Base, Right):
        pass
except TypeError as e:
    print("TypeError:", e)
