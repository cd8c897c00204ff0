# NetworkX, a large pure-Python package: graph construction, shortest
# paths, components, flows, spanning trees, isomorphism, generators and
# the pure-Python PageRank.
import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

G = nx.Graph()
G.add_weighted_edges_from([(1, 2, 4), (1, 3, 1), (3, 2, 2), (2, 4, 5), (3, 4, 8), (4, 5, 3), (6, 7, 1)])
print(nx.dijkstra_path(G, 1, 5), nx.dijkstra_path_length(G, 1, 5))
print(sorted(sorted(c) for c in nx.connected_components(G)))
print(sorted(nx.minimum_spanning_tree(G).edges(data="weight")))
print(nx.shortest_path_length(G, 1), nx.degree_histogram(G))
D = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
print(list(nx.topological_sort(D)), nx.is_directed_acyclic_graph(D), sorted(nx.ancestors(D, "d")))
F = nx.DiGraph()
F.add_edge("s", "x", capacity=3)
F.add_edge("s", "y", capacity=2)
F.add_edge("x", "t", capacity=2)
F.add_edge("y", "t", capacity=3)
F.add_edge("x", "y", capacity=1)
print(nx.maximum_flow_value(F, "s", "t"))
print(nx.is_isomorphic(nx.cycle_graph(5), nx.relabel_nodes(nx.cycle_graph(5), {i: chr(97 + i) for i in range(5)})))
K = nx.karate_club_graph()
pr = _pagerank_python(K)
print(K.number_of_nodes(), K.number_of_edges(), [n for n, _ in sorted(pr.items(), key=lambda kv: -kv[1])[:5]])
print(round(nx.average_clustering(K), 6), nx.diameter(K), sorted(nx.core_number(K).values())[-3:])
print(sorted(nx.bridges(nx.barbell_graph(4, 2))))
try:
    nx.shortest_path(G, 1, 7)
except nx.NetworkXNoPath as e:
    print("no path:", e)
