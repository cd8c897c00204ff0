from collections import Counter, defaultdict, OrderedDict, deque, namedtuple, ChainMap

text = "the quick brown fox jumps over the lazy dog the end"
c = Counter(text.split())
print(c.most_common(3), c["the"], c["missing"], sum(c.values()))
c2 = Counter("abracadabra")
print(sorted(c2.items()), (c2 - Counter("aab")).most_common(2), list(c2.elements())[:5])
dd = defaultdict(list)
for word in text.split():
    dd[len(word)].append(word)
print(sorted(dd.items())[:3], dict(defaultdict(int, a=1)))
od = OrderedDict.fromkeys("abcde")
od.move_to_end("b")
od.popitem(last=False)
print(list(od), od == OrderedDict.fromkeys("cdeb"))
dq = deque(range(5), maxlen=5)
dq.append(5)
dq.appendleft(-1)
dq.rotate(2)
print(dq, dq.popleft(), dq.pop(), dq.maxlen)
Point = namedtuple("Point", "x y", defaults=[0])
p = Point(3)
print(p, p._asdict(), p._replace(y=9), Point._fields, p.x + p[1])
cm = ChainMap({"a": 1}, {"a": 2, "b": 3})
cm["c"] = 4
print(cm["a"], cm["b"], sorted(cm), cm.maps, cm.new_child({"z": 0})["z"])
