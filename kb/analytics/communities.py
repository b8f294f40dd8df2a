"""Communities of institutions: groups that partner more among themselves than with others.

`communities` is a pure function of a graph; `institution_communities` projects the store
first and lists each community with its members.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kb.analytics.projection import Filters, institution_graph, sorted_graph
from kb.store.base import GraphStore


def communities(
    g: nx.Graph, *, seed: int = 0, weight: str | None = "weight", resolution: float = 1.0
) -> dict[Any, int]:
    """The Louvain community of every node of `g`, numbered by size.

    Parameters
    ----------
    g : nx.Graph
        An institution graph; edges may carry ``weight`` (the number of agreements).
    seed : int
        Seed of Louvain's random node order; the same seed gives the same communities.
    weight : str or None
        Edge attribute used as weight; None treats every edge alike.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.

    Returns
    -------
    dict
        node -> community id. Id 0 is the largest community; communities of equal size are
        ordered by their smallest member (compared as strings), so ids are deterministic.
        An isolated node is a community of its own.

    Complexity
    ----------
    Louvain is O(E) per pass with few passes in practice; numbering is O(V log V).

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("c", "x")])
    >>> communities(g, seed=1)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1}
    """
    if g.number_of_nodes() == 0:
        return {}
    # Louvain shuffles the nodes with the seed, so the result depends on their order too: run it
    # on a copy in sorted order, so that equal graphs built in any order agree.
    h = sorted_graph(g)
    found = nx.community.louvain_communities(h, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    ids = {n: i for i, members in enumerate(ordered) for n in members}
    return {n: ids[n] for n in sorted(ids, key=str)}


def institution_communities(
    store: GraphStore,
    filters: Filters | None = None,
    *,
    seed: int = 0,
    resolution: float = 1.0,
) -> list[dict[str, Any]]:
    """Communities of the institution graph of `store`, largest first.

    Returns
    -------
    list of dict
        ``{"community", "size", "members": [{"id", "name", "country"}, …]}`` with members
        ordered by the number of partners they have inside the community, then by id.
    """
    g = institution_graph(store, filters, details=False)
    labels = communities(g, seed=seed, resolution=resolution)
    groups: dict[int, list[Any]] = {}
    for node, c in labels.items():
        groups.setdefault(c, []).append(node)
    out = []
    for c in sorted(groups):
        inner = g.subgraph(groups[c])
        members = sorted(groups[c], key=lambda n: (-inner.degree(n), n))
        out.append(
            {
                "community": c,
                "size": len(members),
                "members": [
                    {"id": n, "name": g.nodes[n].get("name"), "country": g.nodes[n].get("country")}
                    for n in members
                ],
            }
        )
    return out
