"""Graphs derived from an institution graph for maps that show something coarser."""

from __future__ import annotations

from typing import Any

import networkx as nx

UNKNOWN_COUNTRY = "??"


def country_graph(g: nx.Graph) -> nx.Graph:
    """Countries joined by the agreements between their institutions.

    Parameters
    ----------
    g : nx.Graph
        An institution graph (`kb.analytics.projection.institution_graph`).

    Returns
    -------
    nx.Graph
        A node per country with ``kind`` "country", ``country`` (ISO code, None when
        unknown), ``name``, ``region``, ``institutions`` (names, sorted), ``internal`` (number of
        agreements between institutions of the country) and ``abroad`` (number of agreements
        with institutions elsewhere). An edge joins two countries whose institutions share
        agreements; ``agreements`` lists each once (a multi-party agreement between three
        institutions of two countries counts once), ``weight`` counts them and ``fields`` is the
        union of their fields. Institutions of unknown country are grouped under "??".

    Complexity
    ----------
    O(V + A) for V institutions and A agreement–edge incidences.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("a", name="A", country="IN", country_name="India", region="Asia")
    >>> g.add_node("b", name="B", country="RU", country_name="Russia", region="Europe")
    >>> g.add_edge("a", "b", agreements=[{"id": "x", "fields": ["0724"]}])
    >>> cg = country_graph(g)
    >>> cg.edges["IN", "RU"]["weight"], cg.nodes["IN"]["abroad"]
    (1, 1)
    """
    cg = nx.Graph()
    internal: dict[str, set[str]] = {}
    abroad: dict[str, set[str]] = {}
    pairs: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for n, a in g.nodes(data=True):
        code = _code(a)
        if code not in cg:
            cg.add_node(
                code,
                kind="country",
                country=a.get("country") or None,
                name=a.get("country_name") or a.get("country") or "unknown country",
                region=a.get("region"),
                institutions=[],
            )
        cg.nodes[code]["institutions"].append(a.get("name") or str(n))
    for u, v, data in g.edges(data=True):
        cu, cv = _code(g.nodes[u]), _code(g.nodes[v])
        for agreement in data.get("agreements") or []:
            if cu == cv:
                internal.setdefault(cu, set()).add(agreement["id"])
                continue
            key = (cu, cv) if cu < cv else (cv, cu)
            pairs.setdefault(key, {})[agreement["id"]] = agreement
            abroad.setdefault(cu, set()).add(agreement["id"])
            abroad.setdefault(cv, set()).add(agreement["id"])
    for (a, b), agreements in pairs.items():
        listed = sorted(agreements.values(), key=lambda x: x["id"])
        cg.add_edge(
            a,
            b,
            agreements=listed,
            weight=len(listed),
            fields=sorted({c for x in listed for c in x.get("fields") or []}),
        )
    for code, attrs in cg.nodes(data=True):
        attrs["institutions"].sort()
        attrs["internal"] = len(internal.get(code, ()))
        attrs["abroad"] = len(abroad.get(code, ()))
    return cg


def _code(attrs: dict[str, Any]) -> str:
    return attrs.get("country") or UNKNOWN_COUNTRY
