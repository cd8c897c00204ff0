# SymPy (with mpmath), the largest package of the suite: integration,
# factoring, solving, matrices, series, lambdify over math, LaTeX output,
# and parse_latex's ImportError without the antlr4 package.
import sympy
from sympy.parsing.latex import parse_latex

x, y = sympy.symbols("x y")
print(sympy.integrate(x**2 * sympy.sin(x), x))
print(sympy.factor(x**4 - 1), sympy.solve(x**2 - 2, x), sympy.diff(sympy.exp(x * y), x, y))
print(sympy.Matrix([[1, 2], [3, 4]]).inv(), sympy.series(sympy.cos(x), x, 0, 6))
f = sympy.lambdify(x, sympy.sin(x) + x**2, "math")
print(round(f(1.5), 10), sympy.latex(sympy.Integral(x**2, x)))
print(sympy.nsimplify(0.333333333333), sympy.isprime(2**31 - 1), sympy.factorint(360))
try:
    parse_latex(r"\frac{1}{2}")
except ImportError as e:
    print("ImportError:", e)
