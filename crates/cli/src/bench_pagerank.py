#!/usr/bin/env python3
"""Personalised PageRank with python-igraph (PRPACK) or networkx, for
`levain bench pagerank`: one library per process, so each has its own
peak memory.

usage: bench_pagerank.py igraph|networkx EDGES SEEDS NODES DAMPING TOL OUT

EDGES: `src<TAB>dst` lines of integer ids in 0..NODES; SEEDS: one id a line
(uniform restart over them). networkx stops when its L1 change is below
NODES * tol, so it is given TOL / NODES to stop where levain does (L1 < TOL).
Writes the NODES scores as little-endian float64 to OUT and prints JSON:
{"library", "version", "load_s", "build_s", "pagerank_s", "peak_rss_mb"}
(peak_rss_mb from VmHWM: this process's own high-water mark).
"""
import json
import sys
import time

import numpy as np


def peak_rss_mb():
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def main():
    lib, edges, seeds, nodes, damping, tol, out = sys.argv[1:8]
    n, damping, tol = int(nodes), float(damping), float(tol)
    t0 = time.perf_counter()
    flat = np.fromfile(edges, dtype=np.int64, sep=" ")
    src, dst = flat[0::2], flat[1::2]
    del flat
    seed_ids = np.fromfile(seeds, dtype=np.int64, sep=" ")
    load_s = time.perf_counter() - t0
    if lib == "igraph":
        import igraph as ig

        version = ig.__version__
        t0 = time.perf_counter()
        g = ig.Graph(n=n, edges=np.column_stack((src, dst)), directed=True)
        del src, dst
        build_s = time.perf_counter() - t0
        reset = np.zeros(n)
        np.add.at(reset, seed_ids, 1.0)
        t0 = time.perf_counter()
        scores = g.personalized_pagerank(
            directed=True, damping=damping, reset=reset.tolist(), implementation="prpack"
        )
        pagerank_s = time.perf_counter() - t0
    elif lib == "networkx":
        import networkx as nx

        version = nx.__version__
        t0 = time.perf_counter()
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        G.add_edges_from(zip(src.tolist(), dst.tolist()))
        del src, dst
        build_s = time.perf_counter() - t0
        pers = {}
        for s in seed_ids.tolist():
            pers[s] = pers.get(s, 0.0) + 1.0
        t0 = time.perf_counter()
        pr = nx.pagerank(G, alpha=damping, personalization=pers, tol=tol / n, max_iter=10000)
        pagerank_s = time.perf_counter() - t0
        scores = [pr[i] for i in range(n)]
    else:
        raise SystemExit(f"unknown library {lib!r}: give igraph or networkx")
    np.asarray(scores, dtype="<f8").tofile(out)
    print(json.dumps({"library": lib, "version": version, "load_s": load_s,
                      "build_s": build_s, "pagerank_s": pagerank_s,
                      "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
