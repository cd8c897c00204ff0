from decimal import Decimal, getcontext, localcontext, ROUND_HALF_UP, ROUND_DOWN, InvalidOperation
from fractions import Fraction

print(Decimal("0.1") + Decimal("0.2"), Decimal(0.1), Decimal("1.30") * 2)
print(Decimal(1) / Decimal(7), getcontext().prec)
with localcontext() as ctx:
    ctx.prec = 50
    print(Decimal(2).sqrt())
    print((Decimal(1) / 3).quantize(Decimal("1e-10")))
print(Decimal("2.675").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
      Decimal("2.679").quantize(Decimal("0.01"), rounding=ROUND_DOWN))
print(Decimal("1e3").normalize(), Decimal("-0"), Decimal("NaN").is_nan(), Decimal("12.500").as_tuple())
print(sum(Decimal("0.01") for _ in range(100)), Decimal(10) ** -3, Decimal("7").ln().quantize(Decimal("1e-8")))
try:
    Decimal("abc")
except InvalidOperation as e:
    print("InvalidOperation:", type(e).__name__)
print(Fraction(3, 4) + Fraction(1, 6), Fraction("0.125"), Fraction(1.5), Fraction(22, 7).limit_denominator(5))
h = sum(Fraction(1, n) for n in range(1, 21))
print(h, float(h), h.numerator % 1000, Fraction(-7, 3) // 1, round(Fraction(7, 2)), Fraction(5, 10) == 0.5)
print(Fraction(2, 3) ** 3, Fraction(1, 3) < Fraction(1, 2), Fraction(Decimal("1.1")), sorted([Fraction(1, 3), 0.3, Decimal("0.31")]))
