"""Projections of the store into NetworkX graphs.

The graphs carry plain attributes only, so the algorithms in `kb.analytics` and the maps in
`kb.viz` are pure functions of a graph:

- institution graph: an edge joins two institutions party to one or more common agreements;
  ``weight`` is the number of agreements, ``agreements`` lists them with their fields and
  sources.
- institution–network graph (bipartite): institutions and networks, joined by membership.
- institution–discipline graph (bipartite): institutions and ISCED-F fields, joined when an
  agreement of the institution covers the field (``weight`` counts them) or a source names it
  a strength.

Nodes carry ``kind`` ("institution", "network" or "discipline") and, for institutions,
``name``, ``type`` (university, academy, …), ``country``, ``country_name``, ``region`` and
``networks``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from kb.loaders.countries import country_code
from kb.resolve import shared_resolver
from kb.store.base import GraphStore

_PAIRS = """
MATCH (a:Institution)-[:PARTY_TO]->(ag:Agreement)<-[:PARTY_TO]-(b:Institution)
WHERE a.id < b.id
{where}
OPTIONAL MATCH (ag)-[:COVERS]->(d:Discipline)
WITH a, b, ag, collect(DISTINCT d.code) AS fields, collect(DISTINCT d.lineage) AS lineages
OPTIONAL MATCH (ag)-[:REPORTED_IN]->(s:Source)
RETURN a.id AS a, b.id AS b, ag.id AS id, ag.title AS title, ag.kind AS kind,
       ag.status AS status, ag.signed_on AS signed_on, ag.signed_year AS signed_year,
       fields, lineages, collect(DISTINCT s.id) AS sources
"""

_INSTITUTIONS = """
MATCH (i:Institution) WHERE i.id IN $ids
OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country)
OPTIONAL MATCH (i)-[:MEMBER_OF]->(n:Network)
RETURN i.id AS id, i.name AS name, i.kind AS type, i.website AS website, c.iso2 AS country,
       c.name AS country_name, c.region AS region, collect(DISTINCT n.id) AS networks
"""


@dataclass
class Filters:
    """Which part of the graph to project. Every filter is optional.

    country
        keep institutions in this country (ISO code or English name).
    network
        keep institutions that are members of this network (id, name or acronym).
    field
        keep agreements covering this ISCED-F field or one of its sub-fields.
    since, until
        keep agreements signed in these years (inclusive); agreements without a known
        year are kept only when neither is given.
    institutions
        keep only these institutions (ids). Unlike the others, this filter is applied by the
        store, so a map of a few institutions does not read every agreement.
    """

    country: str | None = None
    network: str | None = None
    field: str | None = None
    since: int | None = None
    until: int | None = None
    institutions: list[str] | None = None
    resolved: dict[str, Any] = dataclasses.field(default_factory=dict)

    def resolve(self, store: GraphStore) -> Filters:
        r = shared_resolver(store)
        self.resolved = {
            "country": country_code(self.country) if self.country else None,
            "network": r.network(self.network) if self.network else None,
            "field": r.field(self.field) if self.field else None,
        }
        return self


def _year(row: dict[str, Any]) -> int | None:
    if row["signed_year"]:
        return row["signed_year"]
    signed = row["signed_on"]
    return signed.year if isinstance(signed, date) else None


def _keep_agreement(row: dict[str, Any], f: Filters) -> bool:
    code = f.resolved.get("field")
    if code and not any(code in lineage for lineage in row["lineages"] or []):
        return False
    if f.since is not None or f.until is not None:
        year = _year(row)
        if year is None:
            return False
        if f.since is not None and year < f.since:
            return False
        if f.until is not None and year > f.until:
            return False
    return True


def institution_attributes(store: GraphStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = store.run(_INSTITUTIONS, {"ids": ids}).records()
    return {
        r["id"]: {
            "kind": "institution",
            "name": r["name"],
            "type": r["type"],
            "website": r["website"],
            "country": r["country"],
            "country_name": r["country_name"],
            "region": r["region"],
            "networks": sorted(r["networks"]),
        }
        for r in rows
    }


def institution_graph(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """Institutions joined by the agreements they share (see the module docstring).

    Complexity: one query over agreement pairs, O(P) for P party pairs, plus one for the
    attributes of the institutions kept.
    """
    f = (filters or Filters()).resolve(store)
    keep_ids = f.institutions
    if f.resolved.get("network"):
        members = store.run(
            "MATCH (i:Institution)-[:MEMBER_OF]->(n:Network) WHERE n.id = $n RETURN i.id",
            {"n": f.resolved["network"]},
        ).rows
        ids = [r[0] for r in members]
        keep_ids = ids if keep_ids is None else sorted(set(ids) & set(keep_ids))
    g = nx.Graph()
    if keep_ids is None:
        rows = store.run(_PAIRS.format(where="")).records()
    else:
        where = "AND a.id IN $ids AND b.id IN $ids"
        rows = store.run(_PAIRS.format(where=where), {"ids": sorted(keep_ids)}).records()
        g.add_nodes_from(keep_ids)
    for row in rows:
        if not _keep_agreement(row, f):
            continue
        agreement = {
            "id": row["id"],
            "title": row["title"],
            "kind": row["kind"],
            "status": row["status"],
            "year": _year(row),
            "fields": sorted(row["fields"]),
            "sources": sorted(row["sources"]),
        }
        if g.has_edge(row["a"], row["b"]):
            g.edges[row["a"], row["b"]]["agreements"].append(agreement)
        else:
            g.add_edge(row["a"], row["b"], agreements=[agreement])
    attrs = institution_attributes(store, sorted(g.nodes))
    nx.set_node_attributes(g, attrs)
    keep = [
        n
        for n, a in g.nodes(data=True)
        if (not f.resolved.get("country") or a.get("country") == f.resolved["country"])
        and (not f.resolved.get("network") or f.resolved["network"] in a.get("networks", []))
    ]
    g = sorted_graph(g.subgraph(keep))
    for _, _, data in g.edges(data=True):
        data["agreements"].sort(key=lambda a: a["id"])
        data["weight"] = len(data["agreements"])
        data["fields"] = sorted({c for a in data["agreements"] for c in a["fields"]})
    return g


def sorted_graph(g: nx.Graph) -> nx.Graph:
    """A copy of `g` with its nodes and edges in sorted order.

    Stores return rows in their own order; in sorted order, algorithms that depend on it
    (Louvain's seeded shuffle, the float sums of PageRank) give the same answer on every store.
    """
    h = nx.Graph()
    h.add_nodes_from(sorted(((n, dict(d)) for n, d in g.nodes(data=True)), key=lambda n: str(n[0])))
    h.add_edges_from(
        sorted(
            ((*sorted((u, v), key=str), dict(d)) for u, v, d in g.edges(data=True)), key=_edge_key
        )
    )
    return h


def _edge_key(edge: tuple) -> tuple[str, str]:
    return str(edge[0]), str(edge[1])


def institution_network_graph(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """Bipartite: institutions and networks, an edge per membership (``role``, ``sources``)."""
    f = (filters or Filters()).resolve(store)
    g = nx.Graph()
    rows = store.run(
        "MATCH (i:Institution)-[m:MEMBER_OF]->(n:Network) "
        "RETURN i.id AS i, n.id AS n, n.name AS name, n.kind AS type, m.role AS role, "
        "m.sources AS sources"
    ).records()
    for r in rows:
        if f.resolved.get("network") and r["n"] != f.resolved["network"]:
            continue
        g.add_node(("network", r["n"]), kind="network", name=r["name"], type=r["type"])
        g.add_edge(
            ("institution", r["i"]), ("network", r["n"]), role=r["role"], sources=r["sources"] or []
        )
    _attach_institutions(store, g, f)
    return g


def institution_discipline_graph(store: GraphStore, filters: Filters | None = None) -> nx.Graph:
    """Bipartite: institutions and fields; ``weight`` counts agreements covering the field,
    ``strength`` is True where a source names the field a strength of the institution."""
    f = (filters or Filters()).resolve(store)
    g = nx.Graph()
    covered = store.run(
        "MATCH (i:Institution)-[:PARTY_TO]->(a:Agreement)-[:COVERS]->(d:Discipline) "
        "RETURN i.id AS i, d.code AS code, d.name AS name, d.lineage AS lineage, "
        "count(DISTINCT a.id) AS n"
    ).records()
    strong = store.run(
        "MATCH (i:Institution)-[:STRONG_IN]->(d:Discipline) "
        "RETURN i.id AS i, d.code AS code, d.name AS name, d.lineage AS lineage"
    ).records()
    code = f.resolved.get("field")
    for r in covered + strong:
        if code and code not in (r["lineage"] or []):
            continue
        node = ("discipline", r["code"])
        g.add_node(node, kind="discipline", name=r["name"], code=r["code"])
        edge = g.get_edge_data(("institution", r["i"]), node) or {"weight": 0, "strength": False}
        if "n" in r:
            edge["weight"] += r["n"]
        else:
            edge["strength"] = True
        g.add_edge(("institution", r["i"]), node, **edge)
    _attach_institutions(store, g, f)
    return g


def _attach_institutions(store: GraphStore, g: nx.Graph, f: Filters) -> None:
    ids = [n[1] for n in g.nodes if n[0] == "institution"]
    attrs = institution_attributes(store, ids)
    nx.set_node_attributes(g, {("institution", k): v for k, v in attrs.items()})
    if f.resolved.get("country"):
        drop = [
            n
            for n, a in g.nodes(data=True)
            if a.get("kind") == "institution" and a.get("country") != f.resolved["country"]
        ]
        g.remove_nodes_from(drop)
        g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
