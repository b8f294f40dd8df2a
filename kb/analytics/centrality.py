"""Centrality of institutions in a projected graph.

All functions take a NetworkX graph (see `kb.analytics.projection`) and return a dict keyed by
node; they never touch a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import networkx as nx

Measure = Literal["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"]
MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank")

# Exact betweenness is O(V·E); above this many nodes it is estimated from a sample of sources.
EXACT_BETWEENNESS_MAX_NODES = 2_000
BETWEENNESS_SAMPLE = 500


@dataclass(frozen=True)
class Scores:
    """Scores of one measure, and how they were computed."""

    measure: str
    values: dict[object, float]
    method: str  # "exact", or "sampled (k=…, seed=…)"


def centrality(
    g: nx.Graph,
    measure: Measure = "degree",
    *,
    weight: str | None = "weight",
    seed: int = 0,
    sample: int | None = None,
) -> Scores:
    """One centrality measure for every node of `g`.

    Parameters
    ----------
    g : nx.Graph
        An institution graph; edges may carry ``weight`` (the number of agreements).
    measure : {"degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"}
        ``degree`` counts partners; ``weighted_degree`` counts agreements; the others are
        NetworkX's normalised measures (betweenness unweighted: a path is a chain of partners).
    weight : str or None
        Edge attribute used as weight by weighted_degree, eigenvector and pagerank.
    seed : int
        Seed of the sample of sources when betweenness is estimated.
    sample : int or None
        Number of sample sources for betweenness; by default exact up to
        ``EXACT_BETWEENNESS_MAX_NODES`` nodes and ``BETWEENNESS_SAMPLE`` sources above.

    Returns
    -------
    Scores
        ``values`` maps every node to its score; ``method`` says "exact" or how it was sampled.

    Complexity
    ----------
    degree O(V+E); eigenvector and pagerank O(E) per iteration; betweenness O(V·E) exact and
    O(k·E) with k sample sources.

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    >>> centrality(g, "degree").values
    {'a': 1.0, 'b': 2.0, 'c': 1.0}
    >>> centrality(g, "weighted_degree").values["b"]
    3.0
    >>> s = centrality(g, "betweenness")
    >>> s.values["b"], s.method
    (1.0, 'exact')
    """
    if measure == "degree":
        return Scores(measure, {n: float(d) for n, d in g.degree()}, "exact")
    if measure == "weighted_degree":
        return Scores(measure, {n: float(d) for n, d in g.degree(weight=weight)}, "exact")
    if measure == "betweenness":
        n = g.number_of_nodes()
        k = (
            sample
            if sample is not None
            else (None if n <= EXACT_BETWEENNESS_MAX_NODES else BETWEENNESS_SAMPLE)
        )
        if k is None or k >= n:
            return Scores(measure, nx.betweenness_centrality(g), "exact")
        values = nx.betweenness_centrality(g, k=k, seed=seed)
        return Scores(measure, values, f"sampled (k={k}, seed={seed})")
    if measure == "eigenvector":
        return Scores(measure, _eigenvector(g, weight), "exact")
    if measure == "pagerank":
        return Scores(measure, nx.pagerank(g, weight=weight) if g else {}, "exact")
    raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")


def _eigenvector(g: nx.Graph, weight: str | None) -> dict[object, float]:
    # Eigenvector centrality is defined per connected component; computing it on the whole of a
    # disconnected graph lets the largest component take all the mass. Each component is scaled
    # by its share of the nodes so that scores stay comparable across components.
    out: dict[object, float] = {}
    total = g.number_of_nodes()
    for comp in nx.connected_components(g):
        sub = g.subgraph(comp)
        if sub.number_of_nodes() == 1:
            out.update(dict.fromkeys(comp, 0.0))
            continue
        values = nx.eigenvector_centrality_numpy(sub, weight=weight)
        share = sub.number_of_nodes() / total
        out.update({n: abs(v) * share for n, v in values.items()})
    return out
