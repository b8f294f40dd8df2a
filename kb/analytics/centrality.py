"""Centrality of institutions in a projected graph.

`centrality` takes a NetworkX graph (see `kb.analytics.projection`) and returns scores keyed by
node; it never touches a store. `central_institutions` projects the store and ranks its
institutions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy as sp

from kb.analytics import engines
from kb.analytics.projection import Filters, institution_graph
from kb.errors import InvalidInput
from kb.store.base import GraphStore

Measure = Literal["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"]
MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank")

# Exact betweenness is O(V·E); above this many nodes it is estimated from a sample of sources.
EXACT_BETWEENNESS_MAX_NODES = 2_000
BETWEENNESS_SAMPLE = 500
_DENSE_EIGEN_MAX_NODES = 1_000
# Eigenvector and PageRank scores are rounded to this many decimals: their last digits are
# floating-point noise, and rounding lets nodes in symmetric positions tie (and rank by id).
DECIMALS = 12


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
    engine: engines.Engine = "networkx",
) -> Scores:
    """One centrality measure for every node of `g`.

    Parameters
    ----------
    g : nx.Graph
        An institution graph; edges may carry ``weight`` (the number of agreements).
    measure : {"degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"}
        ``degree`` counts partners; ``weighted_degree`` counts agreements; the others are
        NetworkX's normalised measures (betweenness unweighted: a path is a chain of partners),
        eigenvector per connected component, and eigenvector and pagerank rounded to
        ``DECIMALS`` decimals so that symmetric nodes tie.
    weight : str or None
        Edge attribute used as weight by weighted_degree, eigenvector and pagerank.
    seed : int
        Seed of the sample of sources when betweenness is estimated.
    sample : int or None
        Number of sample sources for betweenness; by default exact up to
        ``EXACT_BETWEENNESS_MAX_NODES`` nodes and ``BETWEENNESS_SAMPLE`` sources above.
    engine : {"networkx", "igraph", "networkit"}
        Engine of betweenness and pagerank (see `kb.analytics.engines`; the others are
        NetworkX's). igraph gives NetworkX's values, sampled ones included; NetworKit's
        sampled betweenness is another estimator, and ``method`` says so.

    Returns
    -------
    Scores
        ``values`` maps every node to its score; ``method`` says "exact" or how it was sampled.

    Complexity
    ----------
    degree O(V+E); pagerank O(E) per iteration; eigenvector O(C³) for a component of C
    nodes up to 1,000, O(E) per iteration above; betweenness O(V·E) exact and
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
    >>> centrality(g, "betweenness", engine="igraph") == s
    True
    """
    engines.check_name(engine)
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
            return Scores(measure, engines.betweenness(g, engine=engine), "exact")
        values = engines.betweenness(g, engine=engine, k=k, seed=seed)
        estimator = ", NetworKit's estimator" if engine == "networkit" else ""
        return Scores(measure, values, f"sampled (k={k}, seed={seed}{estimator})")
    if measure == "eigenvector":
        return Scores(measure, _rounded(_eigenvector(g, weight)), "exact")
    if measure == "pagerank":
        return Scores(measure, _rounded(engines.pagerank(g, engine=engine, weight=weight)), "exact")
    raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")


def _rounded(values: dict[object, float]) -> dict[object, float]:
    return {n: round(float(v), DECIMALS) for n, v in values.items()}


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
        values = _leading_eigenvector(sub, weight)
        share = sub.number_of_nodes() / total
        out.update({n: abs(v) * share for n, v in values.items()})
    return out


def _leading_eigenvector(g: nx.Graph, weight: str | None) -> dict[object, float]:
    # networkx's eigenvector_centrality_numpy starts ARPACK from a random vector, so its last
    # digits change from run to run; a dense solver, or ARPACK from a fixed start on large
    # components, gives the same digits every time.
    nodes = sorted(g, key=str)
    m = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=weight, dtype=float)
    if len(nodes) <= _DENSE_EIGEN_MAX_NODES:
        _, vectors = np.linalg.eigh(m.toarray())
        v = vectors[:, -1]
    else:
        _, vectors = sp.sparse.linalg.eigsh(m, k=1, which="LA", v0=np.ones(len(nodes)))
        v = vectors[:, 0]
    v = v / (np.sign(v.sum()) * np.linalg.norm(v))
    return dict(zip(nodes, v.tolist(), strict=True))


def central_institutions(
    store: GraphStore,
    measure: str = "degree",
    *,
    top: int | None = 20,
    filters: Filters | None = None,
    seed: int = 0,
    sample: int | None = None,
    engine: engines.Engine = "networkx",
) -> dict[str, Any]:
    """The institutions of `store` ranked by one centrality measure.

    Parameters
    ----------
    measure : str
        One of ``MEASURES``.
    top : int or None
        How many institutions to return; None for all.
    filters : Filters, optional
        The part of the graph to rank (country, network, field, years).
    seed, sample, engine
        As for `centrality`.

    Returns
    -------
    dict
        ``{"measure", "method", "count", "rows"}``: ``count`` institutions were ranked and
        ``rows`` holds the first `top` as ``{"rank", "id", "name", "country", "score"}``,
        highest score first, ties by id.

    Raises
    ------
    InvalidInput
        for an unknown measure, a `top` below 1, a `sample` below 1, an unknown engine or one
        whose package is not installed.
    """
    if measure not in MEASURES:
        raise InvalidInput(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}.")
    if top is not None and top < 1:
        raise InvalidInput(f"top must be at least 1, not {top}.")
    if sample is not None and sample < 1:
        raise InvalidInput(f"sample must be at least 1, not {sample}.")
    engines.check_engine(engine)
    g = institution_graph(store, filters, details=False)
    scores = centrality(g, measure, seed=seed, sample=sample, engine=engine)  # type: ignore[arg-type]
    ranked = sorted(scores.values, key=lambda n: (-scores.values[n], str(n)))
    rows = [
        {
            "rank": i,
            "id": n,
            "name": g.nodes[n].get("name"),
            "country": g.nodes[n].get("country"),
            "score": scores.values[n],
        }
        for i, n in enumerate(ranked[:top] if top is not None else ranked, start=1)
    ]
    return {"measure": measure, "method": scores.method, "count": len(ranked), "rows": rows}
