"""Network scores stored on institutions, so Cypher can use them.

`institution_scores` computes every centrality measure and the community of each node of an
institution graph; `write_scores` computes them over the whole store and writes them onto the
Institution nodes in one batch (``MATCH (i:Institution) RETURN i.id ORDER BY i.pagerank
DESC``).

What an institution with no agreement gets: every measure 0 — it has no partner, lies on no
path and the random walk never reaches it — and community null, for it belongs to none. Zero
rather than null keeps ``ORDER BY i.pagerank DESC`` meaningful, since Neo4j sorts nulls
first in descending order.

The scores are a snapshot: loading files leaves them as they are (loaders never write these
properties), so run ``kb analytics scores --write`` again after changing agreements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from kb.analytics import engines
from kb.analytics.centrality import MEASURES, centrality
from kb.analytics.projection import institution_graph
from kb.model import InstitutionScores
from kb.store.base import GraphBatch, GraphStore

SCORE_NAMES: tuple[str, ...] = tuple(InstitutionScores.model_fields)


@dataclass(frozen=True)
class ScoreTable:
    """Every score of every node, and how betweenness was computed."""

    values: dict[Any, dict[str, float | int | None]]
    betweenness: str  # "exact", or "sampled (k=…, seed=…)"


def institution_scores(
    g: nx.Graph,
    *,
    seed: int = 0,
    sample: int | None = None,
    engine: engines.Engine = "networkx",
) -> ScoreTable:
    """Every centrality measure and the community of each node of `g`.

    Parameters
    ----------
    g : nx.Graph
        An institution graph.
    seed : int
        Seed of the betweenness sample (when sampled) and of Louvain.
    sample : int or None
        Sample sources for betweenness, as for `kb.analytics.centrality.centrality`.
    engine : {"networkx", "igraph", "networkit"}
        Engine of betweenness, pagerank and communities (see `kb.analytics.engines`).

    Returns
    -------
    ScoreTable
        ``values`` maps each node to ``{"degree", "weighted_degree", "betweenness",
        "eigenvector", "pagerank", "community"}``; ``betweenness`` says how it was computed.

    Complexity
    ----------
    That of the costliest measure: betweenness, O(V·E) exact or O(k·E) sampled.

    Examples
    --------
    >>> g = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    >>> t = institution_scores(g)
    >>> t.values["hub"]["degree"], t.values["hub"]["betweenness"], t.betweenness
    (3.0, 1.0, 'exact')
    >>> sorted(t.values["hub"]) == sorted(SCORE_NAMES)
    True
    """
    values: dict[Any, dict[str, float | int | None]] = {n: {} for n in g}
    method = "exact"
    for measure in MEASURES:
        scores = centrality(g, measure, seed=seed, sample=sample, engine=engine)  # type: ignore[arg-type]
        if measure == "betweenness":
            method = scores.method
        for n, v in scores.values.items():
            values[n][measure] = float(v)
    for n, c in engines.louvain(g, engine=engine, seed=seed).items():
        values[n]["community"] = c
    return ScoreTable(values, method)


def score_rows(
    store: GraphStore,
    *,
    seed: int = 0,
    sample: int | None = None,
    engine: engines.Engine = "networkx",
) -> dict:
    """The scores of every institution of `store`, as `write_scores` would store them.

    Returns
    -------
    dict
        ``{"institutions", "with_agreements", "communities", "betweenness", "rows"}``: the
        counts, how betweenness was computed, and a row ``{"id", "name", <each score>}`` per
        institution, highest pagerank first, ties by id.
    """
    engines.check_engine(engine)
    g = institution_graph(store, details=False)
    table = institution_scores(g, seed=seed, sample=sample, engine=engine)
    found = store.run("MATCH (i:Institution) RETURN i.id AS id, i.name AS name").records()
    none: dict[str, float | int | None] = dict.fromkeys(MEASURES, 0.0) | {"community": None}
    rows = [{"id": r["id"], "name": r["name"], **table.values.get(r["id"], none)} for r in found]
    rows.sort(key=lambda r: (-(r["pagerank"] or 0.0), r["id"]))
    return {
        "institutions": len(rows),
        "with_agreements": sum(1 for r in rows if r["id"] in table.values),
        "communities": len({v["community"] for v in table.values.values()}),
        "betweenness": table.betweenness,
        "rows": rows,
    }


def write_scores(
    store: GraphStore,
    *,
    seed: int = 0,
    sample: int | None = None,
    engine: engines.Engine = "networkx",
) -> dict:
    """Compute the scores over the whole institution graph of `store` and store them on every
    Institution node, in one batch (all of it or none of it).

    Returns
    -------
    dict
        ``{"institutions", "with_agreements", "communities", "betweenness"}``: rows written,
        how many of them have agreements (the rest get zeros and no community), the number of
        communities, and how betweenness was computed.
    """
    result = score_rows(store, seed=seed, sample=sample, engine=engine)
    batch = GraphBatch()
    for row in result.pop("rows"):
        batch.add_node("Institution", {k: v for k, v in row.items() if k != "name"})
    store.write_batch(batch)
    return result
