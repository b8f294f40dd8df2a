"""Brokers between two networks: institutions that link members of one with members of the
other.

An institution brokers between networks A and B when it is a member of both, or when it has
an agreement with a member of A and one with a different member of B (the second kind puts
it on a two-step path A–broker–B). A direct agreement between a member of A and a member of
B needs no broker, so it makes neither of them one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from kb.analytics.projection import institution_attributes, institution_graph
from kb.errors import InvalidInput
from kb.resolve import shared_resolver
from kb.store.base import GraphStore


def brokers(g: nx.Graph, a_members: Iterable[Any], b_members: Iterable[Any]) -> list[dict]:
    """Institutions of `g` that link members of A with members of B, best first.

    Parameters
    ----------
    g : nx.Graph
        An institution graph (an edge per pair of institutions with a common agreement).
    a_members, b_members : iterable
        The members of the two networks; members absent from `g` (no agreements) still count
        as members.

    Returns
    -------
    list of dict
        One dict per broker: ``node``; ``in_a`` and ``in_b`` (membership); ``a_partners`` and
        ``b_partners`` (its partners among the members of A and of B, sorted); ``connects``,
        the number of members of A and of B it touches (its partners there, and itself where
        it is a member); ``betweenness``, the number of pairs (member of A, member of B) whose
        shortest paths run through it, a pair with k shortest paths of which j do counting
        j/k (`networkx.betweenness_centrality_subset` from A to B); and ``reasons``.
        Ranked by ``connects``, then ``betweenness``, then node.

    Complexity
    ----------
    O(V + E) to find the brokers, plus O(|A|·E) for the betweenness between the two groups.

    Examples
    --------
    >>> g = nx.Graph([("a1", "x"), ("x", "b1"), ("a2", "b1"), ("a1", "ab")])
    >>> [(r["node"], r["connects"]) for r in brokers(g, {"a1", "a2", "ab"}, {"b1", "ab"})]
    [('ab', 3), ('x', 2)]
    >>> x = brokers(g, {"a1", "a2", "ab"}, {"b1", "ab"})[1]
    >>> x["reasons"], x["betweenness"]
    (['partners in A: a1', 'partners in B: b1'], 3.0)
    """
    a, b = set(a_members), set(b_members)
    rows = []
    for node in sorted(set(g.nodes) | (a & b), key=str):
        partners = set(g[node]) if node in g else set()
        a_partners, b_partners = sorted(partners & a, key=str), sorted(partners & b, key=str)
        in_a, in_b = node in a, node in b
        distinct_ends = any(p != q for p in a_partners for q in b_partners)
        if not (in_a and in_b) and not distinct_ends:
            continue
        rows.append(
            {
                "node": node,
                "in_a": in_a,
                "in_b": in_b,
                "a_partners": a_partners,
                "b_partners": b_partners,
                "connects": len(a_partners) + len(b_partners) + in_a + in_b,
            }
        )
    between = _between(g, a, b) if rows else {}
    for row in rows:
        row["betweenness"] = between.get(row["node"], 0.0)
        row["reasons"] = _reasons(row)
    rows.sort(key=lambda r: (-r["connects"], -r["betweenness"], str(r["node"])))
    return rows


def _between(g: nx.Graph, a: set, b: set) -> dict[Any, float]:
    sources, targets = [n for n in g if n in a], [n for n in g if n in b]
    if not sources or not targets:
        return {}
    values = nx.betweenness_centrality_subset(g, sources, targets, normalized=False)
    # networkx halves the sums of undirected graphs, meant for pairs counted both ways; here
    # each (a, b) pair is counted once, from its source a.
    return {n: 2 * v for n, v in values.items()}


def _reasons(row: dict, a: str = "A", b: str = "B", names: dict | None = None) -> list[str]:
    def label(nodes: list) -> str:
        return ", ".join(str((names or {}).get(n, n)) for n in nodes)

    out = []
    if row["in_a"] and row["in_b"]:
        out.append(f"member of both {a} and {b}")
    elif row["in_a"] or row["in_b"]:
        out.append(f"member of {a if row['in_a'] else b}")
    if row["a_partners"]:
        out.append(f"partners in {a}: {label(row['a_partners'])}")
    if row["b_partners"]:
        out.append(f"partners in {b}: {label(row['b_partners'])}")
    return out


def network_brokers(store: GraphStore, a: str, b: str) -> dict[str, Any]:
    """Brokers between two networks of `store`, named by id, name or acronym.

    Returns
    -------
    dict
        ``{"a": {"id", "name"}, "b": {"id", "name"}, "rows": [...]}``; each row is a broker
        from `brokers` with ``id``, ``name`` and ``country`` instead of ``node``, and reasons
        that name the networks and the partners.

    Raises
    ------
    NotFound
        when a network does not exist.
    InvalidInput
        when both names give the same network.
    """
    r = shared_resolver(store)
    a_id, b_id = r.network(a), r.network(b)
    if a_id == b_id:
        raise InvalidInput(f"{a!r} and {b!r} are the same network; name two different ones.")
    nets = {
        row["id"]: row
        for row in store.run(
            "MATCH (n:Network) WHERE n.id IN $ids "
            "OPTIONAL MATCH (i:Institution)-[:MEMBER_OF]->(n) "
            "RETURN n.id AS id, n.name AS name, collect(i.id) AS members",
            {"ids": [a_id, b_id]},
        ).records()
    }
    g = institution_graph(store, details=False)
    found = brokers(g, nets[a_id]["members"], nets[b_id]["members"])
    ids = sorted({x for f in found for x in [f["node"], *f["a_partners"], *f["b_partners"]]})
    attrs = institution_attributes(store, ids)
    names = {i: attrs.get(i, {}).get("name") or i for i in ids}
    a_name, b_name = nets[a_id]["name"], nets[b_id]["name"]
    rows = []
    for f in found:
        node = f.pop("node")
        info = attrs.get(node, {})
        rows.append(
            {"id": node, "name": info.get("name"), "country": info.get("country")}
            | f
            | {"reasons": _reasons(f, a_name, b_name, names)}
        )
    return {
        "a": {"id": a_id, "name": a_name},
        "b": {"id": b_id, "name": b_name},
        "rows": rows,
    }
