import cmath
import math

vals = [0.1, 1 / 3, 2.5, -0.0, 1e308 * 10, float("nan"), 5e-324, 123456.789e10]
print([repr(v) for v in vals])
print(math.isnan(vals[5]), math.isinf(vals[4]), vals[5] == vals[5], math.copysign(1, -0.0))
print(math.sqrt(2), math.exp(1), math.log(10), math.log2(1024), math.log10(0.001), math.log1p(1e-10))
print(math.sin(math.pi / 6), math.cos(math.pi), math.atan2(1, -1), math.hypot(3, 4, 12), math.degrees(1))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.7), math.fsum([0.1] * 10), sum([0.1] * 10))
print(math.frexp(40.0), math.ldexp(0.625, 6), math.modf(-3.75), math.fmod(-7, 3), -7 % 3)
print((0.1).as_integer_ratio(), (2.5).is_integer(), float.fromhex("0x1.8p1"), (1.5).hex())
print(math.prod(range(1, 11)), math.dist((0, 0), (3, 4)), math.gamma(5), math.erf(1))
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
z = complex(3, 4)
print(z, abs(z), z.conjugate(), z * 1j, z / (1 - 1j), z ** 2, (-1) ** 0.5)
print(cmath.sqrt(-1), cmath.exp(1j * cmath.pi), cmath.polar(z), cmath.rect(2, cmath.pi / 2))
print(complex("1+2j"), repr(complex(0, -0.0)), cmath.phase(-1 - 0j), cmath.isclose(cmath.exp(0), 1))
