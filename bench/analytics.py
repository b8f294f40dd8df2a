#!/usr/bin/env python3
"""Analytics at scale: NetworkX against the fast engines, on the same graphs, in one run.

    .venv/bin/python bench/analytics.py                      # 10k/100k and 100k/1M, every engine
    .venv/bin/python bench/analytics.py --sizes 10000:100000 --engines networkx,igraph
    .venv/bin/python bench/analytics.py --store embedded://kb-data --json

For each graph — a seeded synthetic institution graph of N institutions and about E partner
pairs, or with --store the institution projection of a store (`kb.analytics.projection`) —
and each engine of `kb.analytics.engines`, in a child process of its own (so its peak memory
is its own, the graph included), it times:

- convert: copying the NetworkX graph into the engine (none for NetworkX);
- betweenness, sampled from k sources (--k, 500). Each engine first times a pilot of a few
  sources; when k sources would take longer than --budget, it samples fewer, as many as fit,
  and the table shows the k it used and the estimate for the full k;
- betweenness, exact, when its estimate (the sampled run's time per source × N) fits the
  budget; else "—" and the estimate;
- PageRank and Louvain, with the number of communities and their modularity.

It prints a markdown table (or --json) and exits 0: the figures are measurements, not pass or
fail. Wall-clock seconds; CPU seconds are in --json. The load average before and after is
printed, for a shared machine makes every figure indicative.

The synthetic graph is Holme and Kim's power-law cluster graph (``nx.powerlaw_cluster_graph``,
m = E/N partners per new institution, triangle probability 0.1): heavy-tailed degrees and
clustering, as partnership networks have. Its nodes are ids "inst-0000042", its edges carry
``weight``, the number of agreements of the pair (1 + a Zipf draw, mostly 1 to 3).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import math
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from kb.analytics import engines

PILOT_SOURCES = 5


# -- graphs ----------------------------------------------------------------------------------
def synthetic(nodes: int, edges: int, seed: int) -> nx.Graph:
    """A seeded power-law cluster graph of `nodes` institutions and about `edges` pairs."""
    m = max(1, round(edges / nodes))
    g = nx.powerlaw_cluster_graph(nodes, m, 0.1, seed=seed)
    width = len(str(nodes))
    h = nx.Graph()
    h.add_nodes_from(f"inst-{n:0{width}d}" for n in range(nodes))
    rng = np.random.default_rng(seed)
    agreements = np.minimum(rng.zipf(3.0, g.number_of_edges()), 50).tolist()
    h.add_edges_from(
        (f"inst-{u:0{width}d}", f"inst-{v:0{width}d}", {"weight": w})
        for (u, v), w in zip(g.edges(), agreements, strict=True)
    )
    return h


def from_store(uri: str) -> tuple[nx.Graph, float]:
    from kb.analytics.projection import institution_graph
    from kb.store import open_store

    with open_store(uri) as store:
        began = time.perf_counter()
        g = institution_graph(store, details=False)
        return g, time.perf_counter() - began


def _edge_arrays(g: nx.Graph) -> tuple[dict[Any, int], np.ndarray, np.ndarray, np.ndarray]:
    index = {n: i for i, n in enumerate(g)}
    m = g.number_of_edges()
    u = np.fromiter((index[a] for a, _ in g.edges()), dtype=np.int64, count=m)
    v = np.fromiter((index[b] for _, b in g.edges()), dtype=np.int64, count=m)
    w = np.fromiter((x for _, _, x in g.edges(data="weight", default=1.0)), float, count=m)
    return index, u, v, w


def modularity(edges: tuple, labels: dict[Any, int]) -> float:
    """Weighted modularity of a partition (resolution 1), in numpy: O(V + E)."""
    index, u, v, w = edges
    c = np.empty(len(index), dtype=np.int64)
    for node, label in labels.items():
        c[index[node]] = label
    two_m = 2 * w.sum()
    if two_m == 0:
        return 0.0
    inside = w[c[u] == c[v]].sum() * 2
    strength = np.bincount(u, w, len(index)) + np.bincount(v, w, len(index))
    per_community = np.bincount(c, strength)
    return float(inside / two_m - ((per_community / two_m) ** 2).sum())


# -- one engine on one graph (in a child process) ----------------------------------------------
def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(g: nx.Graph, edges: tuple, engine: str, k: int, budget: float, seed: int) -> dict:
    n = g.number_of_nodes()
    out: dict[str, Any] = {"engine": engine}
    graph: Any = g
    if engine != "networkx":
        # import the engine and start its threads first: neither is what the table measures
        tiny = nx.petersen_graph()
        engines.pagerank(tiny, engine=engine)  # type: ignore[arg-type]
        engines.betweenness(tiny, engine=engine, k=3)  # type: ignore[arg-type]
        graph, out["convert_s"], out["convert_cpu_s"] = _timed(lambda: engines.convert(g, engine))
    k = min(k, n)
    # pilot: the cost of one source, to keep the sampled run within the budget
    pilot = min(PILOT_SOURCES, k)
    _, wall, _ = _timed(lambda: engines.betweenness(graph, engine=engine, k=pilot, seed=seed))
    per_source = wall / pilot
    out["betweenness_k_asked"] = k
    if per_source * k > budget:
        out["betweenness_full_k_estimate_s"] = per_source * k
        k = max(pilot, math.floor(budget / per_source))
    _, wall, cpu = _timed(lambda: engines.betweenness(graph, engine=engine, k=k, seed=seed))
    out.update(betweenness_k=k, betweenness_sampled_s=wall, betweenness_sampled_cpu_s=cpu)
    estimate = wall / k * n
    if k >= n:
        out["betweenness_exact_s"] = wall  # k = n sources is the exact computation
    elif estimate <= budget:
        _, wall, cpu = _timed(lambda: engines.betweenness(graph, engine=engine))
        out.update(betweenness_exact_s=wall, betweenness_exact_cpu_s=cpu)
    else:
        out["betweenness_exact_estimate_s"] = estimate
    _, out["pagerank_s"], out["pagerank_cpu_s"] = _timed(
        lambda: engines.pagerank(graph, engine=engine)
    )
    labels, out["louvain_s"], out["louvain_cpu_s"] = _timed(
        lambda: engines.louvain(graph, engine=engine, seed=seed)
    )
    out["communities"] = max(labels.values(), default=-1) + 1
    out["modularity"] = modularity(edges, labels)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(conn: Any, g: nx.Graph, edges: tuple, engine: str, args: argparse.Namespace) -> None:
    try:
        conn.send(measure(g, edges, engine, args.k, args.budget, args.seed))
    except Exception as e:  # reported in the table, the other engines still run
        conn.send({"engine": engine, "error": f"{type(e).__name__}: {e}"})
    finally:
        conn.close()


def run_engine(g: nx.Graph, edges: tuple, engine: str, args: argparse.Namespace) -> dict:
    context = multiprocessing.get_context("fork")  # the child shares the graph, copy-on-write
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, g, edges, engine, args))
    process.start()
    child.close()
    try:
        result = parent.recv()
    except EOFError:
        result = {"engine": engine, "error": "the child process died"}
    process.join()
    if process.exitcode:
        result.setdefault("error", f"exit status {process.exitcode}")
    return result


# -- report ----------------------------------------------------------------------------------
def _s(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if value < 100 else f"{value:,.0f}"


def table(report: dict) -> str:
    lines = [
        "| graph | nodes | edges | engine | convert s | betweenness sampled s (k) "
        "| betweenness exact s | PageRank s | Louvain s (communities, Q) | peak RSS MB |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for graph in report["graphs"]:
        head = f"| {graph['graph']} | {graph['nodes']:,} | {graph['edges']:,} "
        for e in graph["engines"]:
            if "error" in e:
                lines.append(f"{head}| {e['engine']} | {e['error']} | | | | | |")
                continue
            sampled = f"{_s(e['betweenness_sampled_s'], 2)} (k={e['betweenness_k']})"
            if "betweenness_full_k_estimate_s" in e:
                sampled += (
                    f"; k={e['betweenness_k_asked']} ≈ {_s(e['betweenness_full_k_estimate_s'], 0)}"
                )
            exact = (
                _s(e["betweenness_exact_s"], 2)
                if "betweenness_exact_s" in e
                else f"— (est. {_s(e['betweenness_exact_estimate_s'], 0)} > budget)"
            )
            convert = _s(e["convert_s"], 2) if "convert_s" in e else "—"
            louvain = f"{_s(e['louvain_s'], 2)} ({e['communities']}, {e['modularity']:.3f})"
            lines.append(
                f"{head}| {e['engine']} | {convert} | {sampled} | {exact} "
                f"| {_s(e['pagerank_s'], 2)} | {louvain} | {e['peak_rss_mb']:,.0f} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000:100000,100000:1000000",
        help="institutions:pairs of each synthetic graph, comma-separated",
    )
    parser.add_argument("--store", help="measure the institution graph of this store instead")
    parser.add_argument(
        "--engines",
        default=",".join(engines.ENGINES),
        help="comma-separated; those not installed are left out with a note",
    )
    parser.add_argument("--k", type=int, default=500, help="betweenness sample sources")
    parser.add_argument(
        "--budget",
        type=float,
        default=300.0,
        help="seconds: no betweenness run whose estimate is longer (default 300)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON object, no table")
    args = parser.parse_args()

    chosen = [e.strip() for e in args.engines.split(",") if e.strip()]
    missing = [e for e in chosen if e != "networkx" and importlib.util.find_spec(e) is None]
    chosen = [e for e in chosen if e not in missing]
    for e in chosen:
        engines.check_name(e)

    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "versions": {"networkx": nx.__version__}
        | {e: importlib.metadata.version(e) for e in chosen if e != "networkx"},
        "k": args.k,
        "budget_s": args.budget,
        "missing_engines": missing,
        "load_before": os.getloadavg(),
        "graphs": [],
    }
    if args.store:
        specs: list[tuple[str, Callable[[], tuple[nx.Graph, float]]]] = [
            ("store", lambda: from_store(args.store))
        ]
    else:
        specs = []
        for size in args.sizes.split(","):
            n, e = (int(x) for x in size.split(":"))
            specs.append((f"synthetic {n:,}:{e:,}", lambda n=n, e=e: _built(n, e, args.seed)))
    for label, build in specs:
        g, built_s = build()
        edges = _edge_arrays(g)
        entry: dict[str, Any] = {
            "graph": label,
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "build_s": built_s,
            "graph_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "engines": [],
        }
        for engine in chosen:
            entry["engines"].append(run_engine(g, edges, engine, args))
            if not args.json:
                print(f"  … {label}: {engine} done", file=sys.stderr, flush=True)
        report["graphs"].append(entry)
        del g, edges
    report["load_after"] = os.getloadavg()

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(table(report))
    print()
    versions = ", ".join(f"{k} {v}" for k, v in report["versions"].items())
    print(f"{report['machine']}; {versions}. Budget {args.budget:.0f} s per betweenness run.")
    for graph in report["graphs"]:
        print(
            f"{graph['graph']}: built in {graph['build_s']:.1f} s, "
            f"{graph['graph_rss_mb']:,.0f} MB resident with the graph."
        )
    before, after = report["load_before"][0], report["load_after"][0]
    print(f"Load average {before:.1f} before, {after:.1f} after.")
    if missing:
        print(f"Not installed, left out: {', '.join(missing)} (pip install 'kb[fast]').")
    return 0


def _built(n: int, e: int, seed: int) -> tuple[nx.Graph, float]:
    began = time.perf_counter()
    g = synthetic(n, e, seed)
    return g, time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(main())
