import itertools


def read_records():
    raw = "ann,31,eng;bob,25,ops;cy,31,eng;di,40,sales;ed,25,ops;fay,35,eng"
    for chunk in raw.split(";"):
        yield chunk


def parse(lines):
    for line in lines:
        name, age, dept = line.split(",")
        yield {"name": name, "age": int(age), "dept": dept}


def only(records, **conds):
    for r in records:
        if all(r[k] == v for k, v in conds.items()):
            yield r


def batched(iterable, n):
    it = iter(iterable)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


records = list(parse(read_records()))
print([r["name"] for r in only(records, dept="eng")])
by_dept = {k: [r["name"] for r in g] for k, g in itertools.groupby(sorted(records, key=lambda r: r["dept"]), key=lambda r: r["dept"])}
print(by_dept)
print(list(batched(range(10), 4)), list(batched("abcde", 2)))
ages = (r["age"] for r in records)
print(max(ages), sum(ages), list(ages))
counter = itertools.count()
tagged = zip(counter, (r["name"] for r in records))
print(list(itertools.islice(tagged, 2)), next(counter))
a, b = itertools.tee(range(4))
print(list(zip(a, itertools.islice(b, 1, None))), list(itertools.repeat("x", 3)))
print(sum(1 for _ in itertools.filterfalse(lambda r: r["age"] > 30, records)))
