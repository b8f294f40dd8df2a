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

# The pairs and the agreements' details are read by separate queries and joined here: one
# query collecting fields and sources per pair took 6.6 s at 100k agreements (1M: minutes),
# the four separate ones 2.3 s, and analytics need only the pairs.
#
# A part of the graph is read from its ids as
#   UNWIND $ids AS k MATCH (x) WHERE x.id = k WITH x OPTIONAL MATCH (x)-[...]-(y)
# which LadybugDB answers by looking each x up by key and following its own relationships.
# The other spellings join against whole tables there: `WHERE x.id IN $ids` took 5.5 s for
# 1,000 agreement ids at 1M agreements, a MATCH instead of the OPTIONAL MATCH 0.6-6 s even
# for one id; this form takes milliseconds. Rows where the OPTIONAL MATCH found nothing
# carry nulls and are dropped here.
_PAIRS = """
MATCH (a:Institution)-[:PARTY_TO]->(ag:Agreement)<-[:PARTY_TO]-(b:Institution)
WHERE a.id < b.id
RETURN a.id AS a, b.id AS b, ag.id AS id
"""
_PAIRS_FROM = """
UNWIND $ids AS k
MATCH (a:Institution) WHERE a.id = k
WITH a
OPTIONAL MATCH (a)-[:PARTY_TO]->(ag:Agreement)<-[:PARTY_TO]-(b:Institution)
WHERE b.id <> a.id
RETURN a.id AS a, b.id AS b, ag.id AS id
"""
_PAIRS_OF = """
UNWIND $ids AS k
MATCH (ag:Agreement) WHERE ag.id = k
WITH ag
OPTIONAL MATCH (a:Institution)-[:PARTY_TO]->(ag)<-[:PARTY_TO]-(b:Institution)
WHERE a.id < b.id
RETURN a.id AS a, b.id AS b, ag.id AS id
"""
_AGREEMENT_COLUMNS = """
RETURN ag.id AS id, ag.title AS title, ag.kind AS kind, ag.status AS status,
       ag.signed_on AS signed_on, ag.signed_year AS signed_year
"""
_EVERY_AGREEMENT = {
    "details": "MATCH (ag:Agreement)" + _AGREEMENT_COLUMNS,
    "fields": "MATCH (ag:Agreement)-[:COVERS]->(d:Discipline) RETURN ag.id, d.code",
    "sources": "MATCH (ag:Agreement)-[:REPORTED_IN]->(s:Source) RETURN ag.id, s.id",
}
_NAMED = "UNWIND $ids AS k MATCH (ag:Agreement) WHERE ag.id = k "
_NAMED_AGREEMENTS = {
    "details": _NAMED + _AGREEMENT_COLUMNS,
    "fields": _NAMED + "WITH ag OPTIONAL MATCH (ag)-[:COVERS]->(d:Discipline) RETURN ag.id, d.code",
    "sources": _NAMED + "WITH ag OPTIONAL MATCH (ag)-[:REPORTED_IN]->(s:Source) RETURN ag.id, s.id",
}
_IN_FIELD = (
    "MATCH (ag:Agreement)-[:COVERS]->(d:Discipline) WHERE $field IN d.lineage RETURN DISTINCT ag.id"
)

_INSTITUTIONS = """
UNWIND $ids AS k
MATCH (i:Institution) WHERE i.id = k
WITH i
OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country)
WITH i, c
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


def _in_years(year: int | None, f: Filters) -> bool:
    if f.since is None and f.until is None:
        return True
    if year is None:
        return False
    return (f.since is None or year >= f.since) and (f.until is None or year <= f.until)


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


def institution_graph(
    store: GraphStore, filters: Filters | None = None, *, details: bool = True
) -> nx.Graph:
    """Institutions joined by the agreements they share (see the module docstring).

    With ``details=False`` edges carry only ``weight``, not ``agreements`` and ``fields``:
    what centrality, communities and brokers need, read in a fraction of the time and memory.

    Complexity: one query over agreement pairs, O(P) for P party pairs; with details or a
    filter on years, one over the agreements kept, and with details one over their fields
    and one over their sources; one for the attributes of the institutions kept.
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
    covering = None
    if f.resolved.get("field"):
        covering = {r[0] for r in store.run(_IN_FIELD, {"field": f.resolved["field"]}).rows}
    if keep_ids is not None:
        kept = set(keep_ids)
        pairs = [
            r
            for r in store.run(_PAIRS_FROM, {"ids": sorted(kept)}).rows
            if r[1] is not None
            and r[0] < r[1]
            and r[1] in kept
            and (covering is None or r[2] in covering)
        ]
    elif covering is not None:  # a field's agreements are a small part of all
        pairs = [r for r in store.run(_PAIRS_OF, {"ids": sorted(covering)}).rows if r[0]]
    else:
        pairs = store.run(_PAIRS).rows
    agreements: dict[str, dict[str, Any]] = {}
    if details or f.since is not None or f.until is not None:
        every = keep_ids is None and covering is None
        agreements = _agreements(store, {r[2] for r in pairs}, every, details)
        pairs = [r for r in pairs if _in_years(agreements[r[2]]["year"], f)]
    by_pair: dict[tuple[str, str], list[str]] = {}
    for a, b, ag in pairs:
        by_pair.setdefault((a, b), []).append(ag)
    nodes = set(keep_ids or ()) | {n for pair in by_pair for n in pair}
    attrs = institution_attributes(store, sorted(nodes))
    country, network = f.resolved.get("country"), f.resolved.get("network")
    keep = {
        n
        for n in nodes
        if (not country or attrs.get(n, {}).get("country") == country)
        and (not network or network in attrs.get(n, {}).get("networks", []))
    }
    # Built in sorted order (see `sorted_graph`), rather than copied into it afterwards.
    g = nx.Graph()
    g.add_nodes_from((n, attrs.get(n, {})) for n in sorted(keep, key=str))
    for a, b in sorted(by_pair):
        if a not in keep or b not in keep:
            continue
        ids = sorted(set(by_pair[a, b]))
        if details:
            listed = [agreements[i] for i in ids]
            fields = sorted({c for x in listed for c in x["fields"]})
            g.add_edge(a, b, agreements=listed, weight=len(listed), fields=fields)
        else:
            g.add_edge(a, b, weight=len(ids))
    return g


def _agreements(
    store: GraphStore, ids: set[str], every: bool, details: bool
) -> dict[str, dict[str, Any]]:
    """The agreements `ids` by id: ``id``, ``year`` and, with `details`, ``title``, ``kind``,
    ``status``, ``fields`` and ``sources``. One agreement's dict is shared by every edge that
    lists it, so a consortium of five costs one record, not ten. With `every`, all agreements
    are read and the wanted picked here: for the whole graph, faster than naming them."""
    queries, params = (_EVERY_AGREEMENT, {}) if every else (_NAMED_AGREEMENTS, {"ids": sorted(ids)})
    found: dict[str, dict[str, Any]] = {}
    for r in store.run(queries["details"], params).records():
        if r["id"] not in ids:
            continue
        found[r["id"]] = {"id": r["id"], "year": _year(r)}
        if details:
            found[r["id"]] |= {
                "title": r["title"],
                "kind": r["kind"],
                "status": r["status"],
                "fields": [],
                "sources": [],
            }
    if details:
        for key in ("fields", "sources"):
            for ag, value in store.run(queries[key], params).rows:
                if ag in found and value is not None:
                    found[ag][key].append(value)
        for record in found.values():
            record["fields"] = sorted(set(record["fields"]))
            record["sources"] = sorted(set(record["sources"]))
    return found


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
