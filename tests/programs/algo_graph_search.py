import heapq
from collections import deque

GRID = """
S.#.......
.##.####..
....#..#..
.####..#.#
......#...
.####...#E
""".strip().splitlines()


def neighbors(r, c):
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nr, nc = r + dr, c + dc
        if 0 <= nr < len(GRID) and 0 <= nc < len(GRID[0]) and GRID[nr][nc] != "#":
            yield nr, nc


def find(ch):
    return next((r, row.index(ch)) for r, row in enumerate(GRID) if ch in row)


def bfs(start, goal):
    prev = {start: None}
    q = deque([start])
    while q:
        cur = q.popleft()
        if cur == goal:
            break
        for nxt in neighbors(*cur):
            if nxt not in prev:
                prev[nxt] = cur
                q.append(nxt)
    path, node = [], goal
    while node:
        path.append(node)
        node = prev[node]
    return path[::-1]


path = bfs(find("S"), find("E"))
print(len(path) - 1, path[:4])
cells = set(path)
for r, row in enumerate(GRID):
    print("".join("*" if (r, c) in cells and ch == "." else ch for c, ch in enumerate(row)))
graph = {"A": {"B": 4, "C": 2}, "B": {"C": 5, "D": 10}, "C": {"E": 3}, "D": {"F": 11}, "E": {"D": 4}, "F": {}}


def dijkstra(src):
    dist = {src: 0}
    heap = [(0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist.get(u, float("inf")):
            continue
        for v, w in graph[u].items():
            if d + w < dist.get(v, float("inf")):
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return dist


print(sorted(dijkstra("A").items()))


def topo(deps):
    order, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        for m in sorted(deps.get(n, ())):
            visit(m)
        order.append(n)

    for n in sorted(deps):
        visit(n)
    return order


print(topo({"app": ["lib", "util"], "lib": ["util", "core"], "util": ["core"], "core": []}))
