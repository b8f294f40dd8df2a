"""Partner suggestions: institutions an institution has no agreement with yet, ranked by what
they already have in common.

The score is a plain sum, so every suggestion can say why it was made:

- shared fields: each field both work in, taken at its most specific shared ISCED-F level,
  earns ``FIELD_POINTS`` by level (detailed 3, narrow 2, broad 1). An institution works in
  a field when one of its agreements covers it or a source names it a strength; a field also
  counts as work in each of its ancestors, so 0724 (Mining and extraction) and 0722
  (Materials) share 072 (Manufacturing and processing).
- shared networks: ``NETWORK_POINTS`` for each network or programme both belong to.
- common partners: ``PARTNER_POINTS`` for each institution both have an agreement with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from kb.analytics.projection import (
    institution_attributes,
    institution_discipline_graph,
    institution_graph,
    institution_network_graph,
)
from kb.resolve import shared_resolver
from kb.store.base import GraphStore

FIELD_POINTS = {"broad": 1, "narrow": 2, "detailed": 3}
NETWORK_POINTS = 2
PARTNER_POINTS = 2
_LEVELS = {2: "broad", 3: "narrow", 4: "detailed"}


def isced_lineage(code: str) -> list[str]:
    """The ISCED-F code and its ancestors, broadest first (ISCED-F codes nest by prefix).

    >>> isced_lineage("0724")
    ['07', '072', '0724']
    """
    return [code[:n] for n in (2, 3, 4) if len(code) >= n]


def shared_fields(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """The most specific ISCED-F codes two sets of fields share, through their ancestors.

    Parameters
    ----------
    a, b : iterable of str
        ISCED-F codes (broad, narrow or detailed).

    Returns
    -------
    list of str
        Shared codes none of whose descendants is also shared, sorted.

    Complexity
    ----------
    O(|a| + |b|).

    Examples
    --------
    >>> shared_fields(["0724", "0211"], ["0722", "0211", "06"])
    ['0211', '072']
    """
    common = {c for x in a for c in isced_lineage(x)} & {c for x in b for c in isced_lineage(x)}
    return sorted(c for c in common if not any(o != c and o.startswith(c) for o in common))


def suggest_partners(
    g: nx.Graph,
    node: Any,
    *,
    fields: Mapping[Any, Iterable[str]] | None = None,
    networks: Mapping[Any, Iterable[str]] | None = None,
    field_names: Mapping[str, str] | None = None,
    network_names: Mapping[str, str] | None = None,
    limit: int | None = 10,
) -> list[dict[str, Any]]:
    """Institutions `node` has no agreement with, ranked by what they have in common.

    Parameters
    ----------
    g : nx.Graph
        An institution graph: an edge is a common agreement. Its nodes' ``name`` labels the
        common partners in the reasons.
    node
        The institution to suggest partners for; it need not be in `g`.
    fields : mapping, optional
        node -> ISCED-F codes it works in (its agreements' fields and its strengths).
    networks : mapping, optional
        node -> ids of the networks it belongs to.
    field_names, network_names : mapping, optional
        Names for the reasons: ISCED-F code -> name, network id -> name.
    limit : int or None
        How many suggestions to return; None for all.

    Returns
    -------
    list of dict
        ``node``, ``score``, ``fields`` (shared codes), ``networks`` (shared ids),
        ``common_partners``, ``points`` (the score by part) and ``reasons``; best first,
        ties by node. Never `node` itself nor a current partner; only scores above zero.

    Complexity
    ----------
    O(C·(F + N + D)) for C candidates, F fields, N networks and D partners per institution.

    Examples
    --------
    >>> g = nx.Graph([("me", "p"), ("p", "x"), ("y", "z")])
    >>> rows = suggest_partners(
    ...     g, "me",
    ...     fields={"me": ["0724"], "y": ["0724"], "p": ["0724"]},
    ...     networks={"me": ["brics"], "x": ["brics"]},
    ...     field_names={"0724": "Mining and extraction"},
    ...     network_names={"brics": "BRICS Network University"},
    ... )
    >>> [(r["node"], r["score"]) for r in rows]
    [('x', 4), ('y', 3)]
    >>> rows[0]["reasons"]
    ['both in BRICS Network University', 'common partners: p']
    >>> rows[1]["reasons"]
    ['shares fields: Mining and extraction (0724)']
    """
    fields, networks = fields or {}, networks or {}
    partners = set(g[node]) if node in g else set()
    mine_f, mine_n = set(fields.get(node, ())), set(networks.get(node, ()))
    candidates = (set(g.nodes) | set(fields) | set(networks)) - partners - {node}
    rows = []
    for other in candidates:
        f = shared_fields(mine_f, fields.get(other, ())) if mine_f else []
        n = sorted(mine_n & set(networks.get(other, ())))
        p = sorted(partners & set(g[other]), key=str) if other in g else []
        points = {
            "fields": sum(FIELD_POINTS[_LEVELS[len(c)]] for c in f),
            "networks": NETWORK_POINTS * len(n),
            "partners": PARTNER_POINTS * len(p),
        }
        score = sum(points.values())
        if score <= 0:
            continue
        rows.append(
            {
                "node": other,
                "score": score,
                "fields": f,
                "networks": n,
                "common_partners": p,
                "points": points,
                "reasons": _reasons(g, f, n, p, field_names or {}, network_names or {}),
            }
        )
    rows.sort(key=lambda r: (-r["score"], str(r["node"])))
    return rows if limit is None else rows[:limit]


def _reasons(
    g: nx.Graph,
    fields: list[str],
    networks: list[str],
    partners: list[Any],
    field_names: Mapping[str, str],
    network_names: Mapping[str, str],
) -> list[str]:
    out = []
    if fields:
        named = [f"{field_names[c]} ({c})" if c in field_names else c for c in fields]
        out.append("shares fields: " + ", ".join(named))
    if networks:
        out.append("both in " + ", ".join(network_names.get(n, n) for n in networks))
    if partners:
        out.append("common partners: " + ", ".join(g.nodes[p].get("name", p) for p in partners))
    return out


def partner_suggestions(store: GraphStore, institution: str, limit: int = 10) -> dict[str, Any]:
    """Partner suggestions for an institution of `store`, named by id, name or acronym.

    Returns
    -------
    dict
        ``{"institution": {"id", "name"}, "rows": [...]}``; each row is a suggestion from
        `suggest_partners` with ``id``, ``name`` and ``country`` instead of ``node``.

    Raises
    ------
    NotFound
        when no institution has that name.
    """
    node = shared_resolver(store).institution(institution)
    g = institution_graph(store, details=False)
    fields: dict[str, set[str]] = {}
    for (_, i), (_, code) in _pairs(institution_discipline_graph(store)):
        fields.setdefault(i, set()).add(code)
    ng = institution_network_graph(store)
    networks: dict[str, set[str]] = {}
    for (_, i), (_, net) in _pairs(ng):
        networks.setdefault(i, set()).add(net)
    field_names = dict(store.run("MATCH (d:Discipline) RETURN d.code, d.name").rows)
    network_names = {
        n[1]: a.get("name") or n[1] for n, a in ng.nodes(data=True) if n[0] == "network"
    }
    found = suggest_partners(
        g,
        node,
        fields=fields,
        networks=networks,
        field_names=field_names,
        network_names=network_names,
        limit=limit,
    )
    attrs = institution_attributes(store, [node, *(r["node"] for r in found)])
    rows = []
    for r in found:
        other = r.pop("node")
        info = attrs.get(other, {})
        rows.append({"id": other, "name": info.get("name"), "country": info.get("country")} | r)
    return {"institution": {"id": node, "name": attrs.get(node, {}).get("name")}, "rows": rows}


def _pairs(bipartite: nx.Graph) -> list[tuple[tuple, tuple]]:
    """(institution node, other node) for every edge of a bipartite projection."""
    return [(u, v) if u[0] == "institution" else (v, u) for u, v in bipartite.edges]
