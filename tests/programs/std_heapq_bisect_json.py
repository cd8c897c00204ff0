import bisect
import heapq
import json

nums = [5, 1, 8, 3, 9, 2, 7]
heapq.heapify(nums)
print(nums[0], [heapq.heappop(nums) for _ in range(3)], heapq.nlargest(2, [4, 1, 9, 7]), heapq.nsmallest(2, "zebra"))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [3, 6])), heapq.heappushpop([1, 5], 3))
grades = [60, 70, 80, 90]
print([("FDCBA"[bisect.bisect(grades, s)]) for s in (55, 60, 75, 95)])
sl = []
for x in [5, 1, 4, 1, 3]:
    bisect.insort(sl, x)
print(sl, bisect.bisect_left(sl, 1), bisect.bisect_right(sl, 1))
doc = {"name": "py2wasm", "tags": ["wasm", "python"], "stars": 3.5, "ok": True, "none": None, "nested": {"b": 2, "a": 1}}
s = json.dumps(doc, sort_keys=True)
print(s)
print(json.dumps(doc, indent=2, sort_keys=True))
print(json.loads(s) == doc, json.loads('[1, 2.5, "x", null, true, {"k": [ ]}]'), json.dumps("é\n", ensure_ascii=False))


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, set):
            return sorted(o)
        return super().default(o)


print(json.dumps({"s": {3, 1, 2}}, cls=Encoder), json.dumps([1, 2], separators=(",", ":")))
try:
    json.loads("{bad json}")
except json.JSONDecodeError as e:
    print("JSONDecodeError:", e.msg, e.lineno, e.colno)
try:
    json.dumps(object())
except TypeError as e:
    print("TypeError:", str(e)[:40])
