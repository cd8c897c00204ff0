import operator
import re

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*)|(\w+)|(.))")
OPS = {"+": (1, operator.add), "-": (1, operator.sub), "*": (2, operator.mul), "/": (2, operator.truediv), "^": (3, pow)}


def tokenize(src):
    for num, name, op in TOKEN.findall(src):
        if num:
            yield ("num", float(num) if "." in num else int(num))
        elif name:
            yield ("name", name)
        elif op.strip():
            yield ("op", op)


def to_rpn(tokens):
    out, stack = [], []
    for kind, val in tokens:
        if kind in ("num", "name"):
            out.append((kind, val))
        elif val == "(":
            stack.append(val)
        elif val == ")":
            while stack[-1] != "(":
                out.append(("op", stack.pop()))
            stack.pop()
        else:
            prec = OPS[val][0]
            while stack and stack[-1] != "(" and (OPS[stack[-1]][0] > prec or (OPS[stack[-1]][0] == prec and val != "^")):
                out.append(("op", stack.pop()))
            stack.append(val)
    return out + [("op", op) for op in reversed(stack)]


def evaluate(rpn, env):
    stack = []
    for kind, val in rpn:
        if kind == "num":
            stack.append(val)
        elif kind == "name":
            stack.append(env[val])
        else:
            b, a = stack.pop(), stack.pop()
            stack.append(OPS[val][1](a, b))
    return stack[0]


env = {"x": 3, "y": 4}
for src in ["1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "x * x + y * y", "10 / 4 - 1.5", "((7))"]:
    rpn = to_rpn(list(tokenize(src)))
    print(f"{src:16} -> {' '.join(str(v) for _, v in rpn):22} = {evaluate(rpn, env)}")
try:
    evaluate(to_rpn(list(tokenize("z + 1"))), env)
except KeyError as e:
    print("undefined name", e)
