import decimal

name, value, ratio = "py2wasm", 1234567.891, 0.4567
print(f"{name!r} {name!s} {'café'!a} {name:>10}|{name:<10}|{name:^11}|")
print(f"{value:,.2f} {value:_.1f} {value:e} {value:.3g} {ratio:.1%} {42:08.3f}")
print(f"{255:x} {255:#X} {255:o} {255:#b} {255:c} {-42:+d} {42: d} {1e100:.2e}")
print(f"{value=}, {ratio = :.2f}, {1 + 2 = }")
width, prec = 12, 3
print(f"[{value:{width}.{prec}f}] [{'nested':{'*'}^{width}}]")
print("{0}-{1}-{0} {name} {0!r:>6}".format("a", "b", name="n"), "{:,}".format(10**9))
print("%s %r %5d %-5d| %.2f %x %o %e %%" % ("s", "r", 42, 42, 3.14159, 255, 8, 12345.678))
print("%(a)s and %(b)05.1f" % {"a": "dict", "b": 2.25})
print(format(decimal.Decimal("1234.5678"), ",.2f"), format(12, "b"), format(3.0, ""), format(1e16, ""))
print(f"{'multi'}{'ple'} {3.0} {1/3} {2**0.5} {1e-7} {123456789012345678.0} {float('inf')} {-0.0}")
print(repr(0.1 + 0.2), round(2.675, 2), round(0.5), round(1.5), round(-2.5), round(1234.5678, -2))
print(str(10**25), f"{10**25:.3e}", int("  42  "), int("ff", 16), int("0b101", 0), float("  -1.5e3 "))
