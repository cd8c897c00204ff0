def matmul(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def identity(n):
    return [[int(i == j) for j in range(n)] for i in range(n)]


def matpow(m, k):
    result = identity(len(m))
    while k:
        if k & 1:
            result = matmul(result, m)
        m = matmul(m, m)
        k >>= 1
    return result


print(matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]))
print(matpow([[1, 1], [1, 0]], 90)[0][1])
m = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]
print(matpow(m, 5))


class InsufficientFunds(Exception):
    pass


class Account:
    _next = 1000

    def __init__(self, owner, balance=0):
        self.owner, self.balance, self.history = owner, balance, []
        self.number = Account._next
        Account._next += 1

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))

    def withdraw(self, amount):
        if amount > self.balance:
            raise InsufficientFunds(f"{self.owner} has {self.balance}, needs {amount}")
        self.balance -= amount
        self.history.append(("withdraw", amount))

    def transfer(self, other, amount):
        self.withdraw(amount)
        other.deposit(amount)


a, b = Account("ann", 100), Account("bob")
a.transfer(b, 30)
b.deposit(5)
for action in (lambda: b.transfer(a, 100), lambda: a.deposit(-1)):
    try:
        action()
    except (InsufficientFunds, ValueError) as e:
        print(type(e).__name__, e)
print(a.number, a.balance, a.history, b.number, b.balance, b.history)
