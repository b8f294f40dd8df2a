"""Browsing the graph: institutions, networks and fields as records, for the API and the CLI.

These are the typed views behind /institutions, /networks and /disciplines. Absent filters
are passed as '' rather than null, so one text serves both stores (LadybugDB types a null
parameter from its first use).
"""

from __future__ import annotations

from typing import Any

from kb.errors import NotFound
from kb.loaders.countries import country_code
from kb.resolve import shared_resolver
from kb.store.base import GraphStore

_SEARCH = """
WITH $q AS q, $country AS country, $kind AS kind
MATCH (i:Institution)
OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country)
WITH i, c, q, country, kind
WHERE (q = ''
       OR toLower(i.name) CONTAINS q
       OR any(a IN i.aliases WHERE toLower(a) CONTAINS q)
       OR any(a IN i.acronyms WHERE toLower(a) CONTAINS q)
       OR any(a IN i.former_names WHERE toLower(a) CONTAINS q))
  AND (c.iso2 = country OR country = '')
  AND (i.kind = kind OR kind = '')
"""


def search_institutions(
    store: GraphStore,
    q: str = "",
    country: str = "",
    kind: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Institutions whose name, alias, acronym or former name contains `q`, one page of them.

    Returns (rows, total). `country` is a code or an English name.
    """
    params = {
        "q": q.strip().lower(),
        "country": country_code(country) if country else "",
        "kind": kind,
    }
    total = store.run(_SEARCH + "RETURN count(i) AS n", params).rows[0][0]
    if offset >= total:
        return [], total
    rows = store.run(
        _SEARCH + "RETURN i.id AS id, i.name AS name, i.kind AS kind, c.iso2 AS country, "
        "i.city AS city, i.acronyms AS acronyms, i.website AS website, i.origin AS origin "
        "ORDER BY name, id SKIP $offset LIMIT $limit",
        {**params, "offset": offset, "limit": limit},
    ).records()
    return rows, total


def _one(store: GraphStore, kind: str, label: str, key: str, value: str) -> dict[str, Any]:
    found = store.run(f"MATCH (n:{label}) WHERE n.{key} = $v RETURN n AS n", {"v": value}).rows
    if not found:
        raise NotFound(f"no {kind} with id {value!r}.", shared_resolver(store).suggest(kind, value))
    return found[0][0]


def get_institution(store: GraphStore, id: str) -> dict[str, Any]:
    """One institution with its country, parent, networks, agreements, partners and sources."""
    inst = _one(store, "institution", "Institution", "id", id)
    p = {"id": id}
    country = store.run(
        "MATCH (i:Institution)-[:LOCATED_IN]->(c:Country) WHERE i.id = $id "
        "RETURN c.iso2 AS iso2, c.name AS name, c.region AS region",
        p,
    ).records()
    parents = store.run(
        "MATCH (i:Institution)-[:PART_OF]->(x:Institution) WHERE i.id = $id "
        "RETURN x.id AS id, x.name AS name",
        p,
    ).records()
    parts = store.run(
        "MATCH (x:Institution)-[:PART_OF]->(i:Institution) WHERE i.id = $id "
        "RETURN x.id AS id, x.name AS name ORDER BY name",
        p,
    ).records()
    networks = store.run(
        "MATCH (i:Institution)-[m:MEMBER_OF]->(n:Network) WHERE i.id = $id "
        "RETURN n.id AS id, n.name AS name, m.role AS role, m.since AS since, "
        "m.since_year AS since_year, m.sources AS sources ORDER BY name",
        p,
    ).records()
    agreements = store.run(
        "MATCH (i:Institution)-[:PARTY_TO]->(a:Agreement) WHERE i.id = $id "
        "OPTIONAL MATCH (x:Institution)-[:PARTY_TO]->(a) WHERE x.id <> i.id "
        "WITH a, collect(DISTINCT x.id) AS partners "
        "OPTIONAL MATCH (a)-[:COVERS]->(d:Discipline) "
        "WITH a, partners, collect(DISTINCT d.code) AS fields "
        "OPTIONAL MATCH (a)-[:REPORTED_IN]->(s:Source) "
        "RETURN a.id AS id, a.title AS title, a.kind AS kind, a.status AS status, "
        "a.signed_on AS signed_on, a.signed_year AS signed_year, partners, fields, "
        "collect(DISTINCT s.id) AS sources ORDER BY id",
        p,
    ).records()
    strengths = store.run(
        "MATCH (i:Institution)-[s:STRONG_IN]->(d:Discipline) WHERE i.id = $id "
        "RETURN d.code AS code, d.name AS field, s.label AS label, s.note AS note, "
        "s.sources AS sources ORDER BY code",
        p,
    ).records()
    partner_ids = sorted({x for a in agreements for x in a["partners"]})
    partners = store.run(
        "MATCH (x:Institution) WHERE x.id IN $ids "
        "OPTIONAL MATCH (x)-[:LOCATED_IN]->(c:Country) "
        "RETURN x.id AS id, x.name AS name, c.iso2 AS country ORDER BY name",
        {"ids": partner_ids},
    ).records()
    source_ids = sorted(
        set(inst.get("sources") or [])
        | {s for a in agreements for s in a["sources"]}
        | {s for n in networks for s in n["sources"] or []}
        | {s for x in strengths for s in x["sources"] or []}
    )
    return {
        **inst,
        "country": country[0] if country else None,
        "part_of": parents[0] if parents else None,
        "parts": parts,
        "networks": networks,
        "agreements": agreements,
        "partners": partners,
        "strengths": strengths,
        "sources": sources_by_id(store, source_ids),
    }


def sources_by_id(store: GraphStore, ids: list[str]) -> list[dict[str, Any]]:
    return store.run(
        "MATCH (s:Source) WHERE s.id IN $ids RETURN s.id AS id, s.title AS title, "
        "s.publisher AS publisher, s.url AS url, s.published_on AS published_on ORDER BY id",
        {"ids": ids},
    ).records()


def list_networks(store: GraphStore) -> list[dict[str, Any]]:
    return store.run(
        "MATCH (n:Network) OPTIONAL MATCH (i:Institution)-[:MEMBER_OF]->(n) "
        "RETURN n.id AS id, n.name AS name, n.kind AS kind, n.acronyms AS acronyms, "
        "n.website AS website, count(i) AS members ORDER BY name"
    ).records()


def get_network(store: GraphStore, id: str) -> dict[str, Any]:
    """One network with its members and its thematic areas."""
    net = _one(store, "network", "Network", "id", id)
    p = {"id": id}
    members = store.run(
        "MATCH (i:Institution)-[m:MEMBER_OF]->(n:Network) WHERE n.id = $id "
        "OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country) "
        "RETURN i.id AS id, i.name AS name, c.iso2 AS country, m.role AS role, "
        "m.since AS since, m.since_year AS since_year, m.sources AS sources ORDER BY name",
        p,
    ).records()
    focus = store.run(
        "MATCH (n:Network)-[f:FOCUSES_ON]->(d:Discipline) WHERE n.id = $id "
        "RETURN d.code AS code, d.name AS field, f.label AS label, f.status AS status, "
        "f.proposed_by AS proposed_by, f.sources AS sources ORDER BY code",
        p,
    ).records()
    ids = sorted(
        set(net.get("sources") or [])
        | {s for m in members for s in m["sources"] or []}
        | {s for f in focus for s in f["sources"] or []}
    )
    return {**net, "members": members, "focuses_on": focus, "sources": sources_by_id(store, ids)}


def discipline_tree(store: GraphStore) -> list[dict[str, Any]]:
    """ISCED-F fields as a tree: broad fields, each with its narrow and detailed children."""
    rows = store.run(
        "MATCH (d:Discipline) OPTIONAL MATCH (d)-[:SUBFIELD_OF]->(p:Discipline) "
        "RETURN d.code AS code, d.name AS name, d.level AS level, d.aliases AS aliases, "
        "p.code AS parent ORDER BY code"
    ).records()
    nodes = {r["code"]: {**r, "aliases": r["aliases"] or [], "children": []} for r in rows}
    roots = []
    for r in rows:
        node = nodes[r["code"]]
        parent = node.pop("parent")
        (nodes[parent]["children"] if parent in nodes else roots).append(node)
    return roots
