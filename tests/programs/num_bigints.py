import math

f200 = math.factorial(200)
print(len(str(f200)), str(f200)[:30], f200 % (10**9 + 7))
print(pow(3, 10**6, 10**9 + 7), pow(2, -1, 97), pow(7, 128))
a = 2**521 - 1
print(a.bit_length(), a % 1000003, (a >> 500), a & 0xFFFF, (a ^ (a >> 1)) % 999983)
print(divmod(-17, 5), -17 // 5, -17 % 5, divmod(10**30, 7**20))
print(math.gcd(2**64 - 1, 2**48 - 1), math.lcm(12, 18, 30), math.isqrt(10**40 + 12345))
print(int.from_bytes(b"\x01\x00\xff", "big"), (1024).to_bytes(4, "little"), (-1).to_bytes(2, "big", signed=True))
print(hex(2**100), oct(-(8**20)), bin(255)[2:].zfill(12), int("9" * 50) + 1)
x = 1
for i in range(1, 60):
    x = x * i + (i ** 3)
print(x % 10**20, x.bit_count())
print(sum(1 for n in range(2, 2000) if all(n % p for p in range(2, math.isqrt(n) + 1))))
print(abs(-10**40), (-7) ** 3, 10**18 // 3 * 3, True + True, int(1e20), 2**63 - 1 + 1)
