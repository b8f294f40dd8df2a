"""The costly measures on one of three engines: NetworkX, igraph or NetworKit.

NetworkX is the reference and needs nothing more. igraph and NetworKit (``pip install
"kb[fast]"``) run the same measures in C/C++, which is what makes betweenness, PageRank and
Louvain practical on 10⁵ institutions and 10⁶ agreements. Each function takes a NetworkX graph,
or one already copied by `convert`, and returns a plain dict keyed by the NetworkX nodes,
normalised as NetworkX normalises it, so that the engines compare value for value:

- `betweenness`: unweighted (a path is a chain of partners), normalised by the number of
  ordered pairs of other nodes, ``(n-1)(n-2)``; exact, or estimated from `k` sample sources.
- `pagerank`: weighted, damping 0.85, the walk at an isolated node jumping anywhere; the
  scores sum to 1.
- `louvain`: weighted communities, numbered by size as `kb.analytics.communities.communities`.

How far the engines agree:

- exact betweenness: to rounding (1e-15).
- sampled betweenness: igraph computes NetworkX's estimator itself (the same `k` sources, drawn
  with the same seed, and the same scaling: ``1/(k(n-2))``, ``1/((k-1)(n-2))`` for a source), so
  it agrees to rounding too. NetworKit's ``EstimateBetweenness`` is another estimator of the
  same values: sources drawn with replacement, each path's count spread over its two ends by
  distance (Sanders, Geisberger and Schultes' linear scaling); it agrees in expectation only.
- PageRank: the engines solve to 1e-10; NetworkX's power iteration stops when an iteration
  changes the scores by less than ``n·1e-6`` in all, which leaves it up to about 2e-5 from the
  solution — so the engines differ from NetworkX by that much, and agree with a NetworkX run at
  ``tol=1e-12`` to 1e-10.
- Louvain: each engine moves nodes in its own order; partitions differ in detail but have
  similar modularity. The same seed gives the same partition on one engine.

Costs, measured on a 2-core machine (see ``bench/analytics.py``): per betweenness source igraph
needs about a third of NetworKit's CPU time, single-threaded against NetworKit's parallel
run, and is the engine to choose for betweenness; NetworKit's PLM is the fastest Louvain.
"""

from __future__ import annotations

import gc
import math
import random
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import networkx as nx
import numpy as np

from kb.errors import InvalidInput

Engine = Literal["networkx", "igraph", "networkit"]
ENGINES: tuple[str, ...] = ("networkx", "igraph", "networkit")
FAST_ENGINES: tuple[str, ...] = ("igraph", "networkit")
DAMPING = 0.85
PAGERANK_TOL = 1e-10  # NetworKit: the L1 norm of an iteration's change (igraph solves exactly)
PAGERANK_MAX_ITERATIONS = 1_000
# No square brackets: the command line prints errors as Rich markup, where "[fast]" is a tag.
_INSTALL = 'pip install {0} (kb\'s extra "fast" installs it) or use the networkx engine'


@dataclass(frozen=True)
class Converted:
    """A NetworkX graph copied into a fast engine.

    ``graph`` is the engine's graph (``igraph.Graph`` or ``networkit.Graph``), whose node ``i``
    is ``nodes[i]``; ``nodes`` are sorted as strings (the order of
    `kb.analytics.projection.sorted_graph`). ``weight`` names the edge attribute copied as
    weights, or is None for an unweighted copy. ``order[j]`` is the engine id of the ``j``-th
    node of the NetworkX graph, so that samples drawn as NetworkX draws them name the same nodes.
    """

    engine: str
    graph: Any
    nodes: list[Any]
    weight: str | None
    order: np.ndarray

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def values(self, scores: Any) -> dict[Any, float]:
        """Scores indexed by engine id, as a dict keyed by the NetworkX nodes."""
        return dict(zip(self.nodes, map(float, scores), strict=True))


def module(engine: str) -> ModuleType:
    """The package of a fast engine, or InvalidInput saying how to install it."""
    check_name(engine)
    try:
        if engine == "igraph":
            import igraph

            return igraph
        import networkit

        return networkit
    except ImportError as e:
        install = _INSTALL.format(engine)
        raise InvalidInput(f"the {engine} engine needs the {engine} package: {install}.") from e


def check_name(engine: str) -> None:
    """Refuse an unknown engine (InvalidInput)."""
    if engine not in ENGINES:
        raise InvalidInput(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")


def check_engine(engine: str) -> None:
    """Refuse an unknown engine, or a fast one whose package is not installed (InvalidInput)."""
    check_name(engine)
    if engine in FAST_ENGINES:
        module(engine)


def convert(g: nx.Graph, engine: str, weight: str | None = "weight") -> Converted:
    """Copy an undirected NetworkX graph into igraph or NetworKit.

    Parameters
    ----------
    g : nx.Graph
        An undirected simple graph; nodes may be any hashable values.
    engine : {"igraph", "networkit"}
        The engine to copy into.
    weight : str or None
        Edge attribute copied as the weight (1.0 where an edge lacks it); None for an unweighted
        copy.

    Returns
    -------
    Converted
        The engine's graph and the NetworkX node of each of its node ids.

    Raises
    ------
    InvalidInput
        for a directed graph or a multigraph, another engine, or the engine's package missing.

    Complexity
    ----------
    O(V log V + E): one pass over the adjacency in Python (about 2 s per 10⁶ edges; NetworKit's
    own ``nxadapter.nx2nk`` adds the edges one call at a time and takes twice as long), then one
    bulk call into the engine with numpy arrays.

    Examples
    --------
    >>> c = convert(nx.Graph([("b", "a", {"weight": 3}), ("b", "c")]), "networkit")
    >>> c.nodes, c.graph.numberOfEdges(), c.graph.weight(0, 1), c.graph.weight(1, 2)
    (['a', 'b', 'c'], 2, 3.0, 1.0)
    >>> c = convert(nx.Graph([("b", "a", {"weight": 3}), ("b", "c")]), "igraph")
    >>> c.graph.get_edgelist(), c.graph.es["weight"]
    ([(0, 1), (1, 2)], [3.0, 1.0])
    """
    if engine not in FAST_ENGINES:
        raise InvalidInput(f"convert copies into {' or '.join(FAST_ENGINES)}, not {engine!r}.")
    lib = module(engine)
    if g.is_directed() or g.is_multigraph():
        raise InvalidInput(f"the {engine} engine takes an undirected simple graph.")
    nodes = sorted(g, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    src, dst, weights = _edge_arrays(g, index, weight)
    order = np.fromiter(map(index.__getitem__, g), dtype=np.int64, count=len(nodes))
    if engine == "igraph":
        # igraph reads a list of pairs of ints twice as fast as an (m, 2) numpy array
        edges = list(zip(src.tolist(), dst.tolist(), strict=True))
        h = lib.Graph(n=len(nodes), edges=edges, directed=False)
        if weight is not None:
            h.es["weight"] = weights.tolist()
    else:
        h = lib.Graph(len(nodes), weighted=weight is not None)
        if len(src):
            ends = (src.astype(np.uint64), dst.astype(np.uint64))
            h.addEdges((weights, ends) if weight is not None else ends)
    return Converted(engine, h, nodes, weight, order)


def to_networkit(g: nx.Graph, weight: str | None = "weight") -> Converted:
    """``convert(g, "networkit", weight)``."""
    return convert(g, "networkit", weight)


def to_igraph(g: nx.Graph, weight: str | None = "weight") -> Converted:
    """``convert(g, "igraph", weight)``."""
    return convert(g, "igraph", weight)


def _edge_arrays(
    g: nx.Graph, index: dict[Any, int], weight: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each edge once, as engine ids ``(i, j)`` with ``i <= j``, sorted; and its weight."""
    src: list[int] = []
    dst: list[int] = []
    weights: list[float] = []
    add_src, add_dst, add_weight = src.append, dst.append, weights.append
    collecting = gc.isenabled()
    gc.disable()  # the loop makes millions of short-lived tuples; collecting them costs ~30 %
    try:
        for u, neighbours in g.adjacency():
            i = index[u]
            for v, data in neighbours.items():
                j = index[v]
                if i <= j:  # each undirected edge once; a self-loop once
                    add_src(i)
                    add_dst(j)
                    if weight is not None:
                        add_weight(data.get(weight, 1.0))
    finally:
        if collecting:
            gc.enable()
    s = np.asarray(src, dtype=np.int64)
    d = np.asarray(dst, dtype=np.int64)
    w = np.asarray(weights if weight is not None else [], dtype=np.float64)
    by_ends = np.lexsort((d, s))  # edge ids in a fixed order, whatever the graph's build order
    return s[by_ends], d[by_ends], w[by_ends] if weight is not None else w


def _prepared(g: nx.Graph | Converted, engine: str, weight: str | None) -> Converted:
    """`g` in `engine`, with the edge weights `weight` (None: unweighted)."""
    if not isinstance(g, Converted):
        return convert(g, engine, weight)
    if g.engine != engine:
        raise InvalidInput(f"this graph was copied into {g.engine}, not {engine}.")
    if weight is None and g.weight is not None:
        if engine == "networkit":
            return Converted(
                engine, module(engine).graphtools.toUnweighted(g.graph), g.nodes, None, g.order
            )
        return Converted(engine, g.graph, g.nodes, None, g.order)  # igraph: weights=None
    if weight != g.weight:
        raise InvalidInput(f"this graph was copied with weight={g.weight!r}, not {weight!r}.")
    return g


def _networkx(g: nx.Graph | Converted, engine: str) -> nx.Graph:
    check_name(engine)
    if isinstance(g, Converted):
        raise InvalidInput(f"this graph was copied into {g.engine}; use engine={g.engine!r}.")
    return g


def betweenness(
    g: nx.Graph | Converted,
    *,
    engine: Engine = "networkx",
    k: int | None = None,
    seed: int = 0,
) -> dict[Any, float]:
    """Normalised, unweighted betweenness of every node: exact, or estimated from `k` sources.

    Parameters
    ----------
    g : nx.Graph or Converted
        An undirected graph; edge weights are ignored (a path is a chain of partners).
    engine : {"networkx", "igraph", "networkit"}
        NetworkX's ``betweenness_centrality``; igraph's ``betweenness`` from all sources or
        from NetworkX's sample of sources; or NetworKit's parallel ``Betweenness`` (exact) and
        ``EstimateBetweenness`` (sampled, another estimator: see the module's notes).
    k : int or None
        Number of sample sources; None, or at least the number of nodes, for the exact values.
    seed : int
        Seed of the sample of sources (NetworkX and igraph draw the same sources).

    Returns
    -------
    dict
        node -> betweenness: the share of shortest paths between pairs of other nodes that run
        through the node, as NetworkX's ``normalized=True``; 0 for every node of a graph of
        fewer than three nodes.

    Raises
    ------
    InvalidInput
        for an unknown engine, its package missing, or `k` below 1.

    Complexity
    ----------
    O(V·E) exact, O(k·E) sampled, with a BFS from each source; NetworKit spreads the sources
    over every core.

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c", "d"])
    >>> betweenness(g)
    {'a': 0.0, 'b': 0.6666666666666666, 'c': 0.6666666666666666, 'd': 0.0}
    >>> betweenness(g, engine="igraph") == betweenness(g, engine="networkit") == betweenness(g)
    True
    >>> big = nx.barabasi_albert_graph(300, 2, seed=1)
    >>> sampled = betweenness(big, k=50, seed=7)
    >>> same = betweenness(big, engine="igraph", k=50, seed=7)
    >>> max(abs(sampled[n] - same[n]) for n in big) < 1e-12
    True
    """
    if k is not None and k < 1:
        raise InvalidInput(f"k must be at least 1, not {k}.")
    n = g.number_of_nodes()
    exact = k is None or k >= n
    if engine not in FAST_ENGINES:
        h = _networkx(g, engine)
        if exact:
            return nx.betweenness_centrality(h)
        return nx.betweenness_centrality(h, k=k, seed=seed)
    c = _prepared(g, engine, None)
    if n < 3:
        return dict.fromkeys(c.nodes, 0.0)
    if engine == "igraph":
        return _igraph_betweenness(c, None if exact else k, seed)
    return _networkit_betweenness(c, None if exact else k, seed)


def _igraph_betweenness(c: Converted, k: int | None, seed: int) -> dict[Any, float]:
    n = c.number_of_nodes()
    if k is None:
        raw = np.asarray(c.graph.betweenness(directed=False))
        return c.values(raw * (2 / ((n - 1) * (n - 2))))
    # NetworkX draws seed.sample(list(G), k): positions in the graph's node order, which are
    # the same for any population of n; `order` turns them into engine ids.
    sources = c.order[random.Random(seed).sample(range(n), k)]
    raw = np.asarray(c.graph.betweenness(directed=False, sources=sources.tolist()))
    # igraph halves the sum over ordered pairs of an undirected graph; NetworkX does not, and
    # scales a source (which is never an inner node of its own paths) by k-1 rather than k.
    scale = np.full(n, 2 / (k * (n - 2)))
    scale[sources] = 2 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    return c.values(raw * scale)


def _networkit_betweenness(c: Converted, k: int | None, seed: int) -> dict[Any, float]:
    nk = module("networkit")
    if k is None:
        algorithm = nk.centrality.Betweenness(c.graph, normalized=True)
        algorithm.run()
        return c.values(algorithm.scores())
    # EstimateBetweenness draws nSamples + 1 sources but scales by nSamples (NetworKit 11.2):
    # ask for k - 1 and rescale, so that k sources are drawn and weighed as k.
    samples = max(k - 1, 1)  # (k = 1 draws two sources)
    nk.setSeed(seed, False)  # the sources are drawn on the calling thread: this fixes them
    algorithm = nk.centrality.EstimateBetweenness(c.graph, samples, normalized=True, parallel=True)
    algorithm.run()
    return c.values(np.asarray(algorithm.scores()) * (samples / (samples + 1)))


def pagerank(
    g: nx.Graph | Converted,
    *,
    engine: Engine = "networkx",
    weight: str | None = "weight",
) -> dict[Any, float]:
    """PageRank of every node, damping 0.85, as NetworkX's ``pagerank``.

    Parameters
    ----------
    g : nx.Graph or Converted
        An undirected graph; each edge is followed both ways.
    engine : {"networkx", "igraph", "networkit"}
        NetworkX's power iteration (stops when the change is below ``n·1e-6``); igraph's PRPACK
        (solves the linear system); or NetworKit's parallel power iteration (to
        ``PAGERANK_TOL``).
    weight : str or None
        Edge attribute used as weight; None treats every edge alike.

    Returns
    -------
    dict
        node -> PageRank; the values sum to 1. The walk at an isolated node jumps to any node,
        as in NetworkX. Empty for an empty graph.

    Raises
    ------
    InvalidInput
        for an unknown engine or its package missing.

    Complexity
    ----------
    O(E) per iteration, a few dozen iterations.

    Examples
    --------
    >>> g = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    >>> {n: round(v, 4) for n, v in pagerank(g).items()}
    {'hub': 0.4797, 'a': 0.1734, 'b': 0.1734, 'c': 0.1734}
    >>> fast = pagerank(g, engine="igraph")
    >>> max(abs(fast[n] - v) for n, v in pagerank(g).items()) < 1e-6
    True
    """
    if engine not in FAST_ENGINES:
        h = _networkx(g, engine)
        return nx.pagerank(h, weight=weight) if h else {}
    c = _prepared(g, engine, weight)
    if not c.nodes:
        return {}
    if engine == "igraph":
        scores = c.graph.pagerank(
            directed=False,
            damping=DAMPING,
            weights="weight" if c.weight is not None else None,
            implementation="prpack",
        )
        return c.values(scores)
    nk = module("networkit")
    algorithm = nk.centrality.PageRank(
        c.graph,
        damp=DAMPING,
        tol=PAGERANK_TOL,
        distributeSinks=nk.centrality.SinkHandling.NoSinkHandling,
    )
    algorithm.norm = nk.centrality.Norm.L1_NORM
    algorithm.maxIterations = PAGERANK_MAX_ITERATIONS
    algorithm.run()
    return c.values(_with_isolated_nodes(c, np.asarray(algorithm.scores(), dtype=np.float64)))


def _with_isolated_nodes(c: Converted, scores: np.ndarray) -> np.ndarray:
    # NetworkX lets the walk at a node without edges (a sink) jump to any node; NetworKit's sink
    # handling leaves out the isolated nodes of an undirected graph, whose scores then fall
    # short. The answer is known in closed form: with s isolated nodes of n, each of them gets
    # (1-d)/(n-ds), and the others share (n-s)/(n-ds) in the proportions of a walk that never
    # meets a sink — which is what NetworKit computes for them, up to a constant factor.
    n = c.number_of_nodes()
    degree = np.fromiter(map(c.graph.weightedDegree, range(n)), dtype=np.float64, count=n)
    sinks = degree == 0
    s = int(sinks.sum())
    out = np.empty(n)
    out[sinks] = (1 - DAMPING) / (n - DAMPING * s)
    if s < n:
        others = scores[~sinks]
        out[~sinks] = others / others.sum() * (n - s) / (n - DAMPING * s)
    return out


def louvain(
    g: nx.Graph | Converted,
    *,
    engine: Engine = "networkx",
    seed: int = 0,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> dict[Any, int]:
    """The Louvain community of every node, numbered as `kb.analytics.communities`.

    Parameters
    ----------
    g : nx.Graph or Converted
        An undirected graph.
    engine : {"networkx", "igraph", "networkit"}
        NetworkX's ``louvain_communities`` (through `kb.analytics.communities.communities`),
        igraph's ``community_multilevel`` or NetworKit's PLM (sequential moves, so that a seed
        gives one answer).
    seed : int
        Seed of the random node order; the same seed gives the same communities on one engine.
    weight : str or None
        Edge attribute used as weight; None treats every edge alike.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.

    Returns
    -------
    dict
        node -> community id, 0 the largest; equal sizes ordered by their smallest member
        (as strings); an isolated node is a community of its own.

    Raises
    ------
    InvalidInput
        for an unknown engine or its package missing.

    Complexity
    ----------
    O(E) per pass with few passes in practice; numbering O(V log V).

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("c", "x")])
    >>> louvain(g, seed=1)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1}
    >>> louvain(g, engine="igraph") == louvain(g, engine="networkit") == louvain(g, seed=1)
    True
    """
    if engine not in FAST_ENGINES:
        from kb.analytics.communities import communities

        return communities(_networkx(g, engine), seed=seed, weight=weight, resolution=resolution)
    c = _prepared(g, engine, weight)
    if not c.nodes:
        return {}
    if engine == "igraph":
        ig = module("igraph")
        # igraph draws from Python's random module unless told otherwise: give it its own
        # generator, seeded, and hand the module back afterwards.
        ig.set_random_number_generator(random.Random(seed))
        try:
            found = c.graph.community_multilevel(
                weights="weight" if c.weight is not None else None, resolution=resolution
            )
        finally:
            ig.set_random_number_generator(random)
        labels = found.membership
    else:
        nk = module("networkit")
        nk.setSeed(seed, False)
        algorithm = nk.community.PLM(c.graph, refine=False, gamma=resolution, par="none")
        algorithm.run()
        labels = algorithm.getPartition().getVector()
    groups: dict[int, list[Any]] = {}
    for node, label in zip(c.nodes, labels, strict=True):
        groups.setdefault(label, []).append(node)
    ordered = sorted(groups.values(), key=lambda m: (-len(m), min(map(str, m))))
    ids = {n: i for i, members in enumerate(ordered) for n in members}
    return {n: ids[n] for n in c.nodes}
