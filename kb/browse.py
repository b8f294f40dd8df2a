"""Browsing the graph: institutions, networks and fields as records, for the API and the CLI.

These are the typed views behind /institutions, /networks and /disciplines. Lists that grow
with the graph (a search, a hub's agreements) are read a page at a time, the page chosen
before its details are read.
"""

from __future__ import annotations

from typing import Any

from kb.errors import NotFound
from kb.loaders.countries import country_code
from kb.resolve import shared_resolver
from kb.store.base import GraphStore

_TEXT_MATCH = """(toLower(i.name) CONTAINS q
       OR any(a IN i.aliases WHERE toLower(a) CONTAINS q)
       OR any(a IN i.acronyms WHERE toLower(a) CONTAINS q)
       OR any(a IN i.former_names WHERE toLower(a) CONTAINS q))"""


def _search_match(q: str, country: str, kind: str) -> str:
    """The MATCH of a search, with only the filters given.

    Filters left out of the text rather than tested against '' let both planners start from
    the country and skip the text tests; only which filters apply is chosen here, every value
    stays bound.
    """
    if country:
        text = "MATCH (i:Institution)-[:LOCATED_IN]->(:Country {iso2: $country}) "
    else:
        text = "MATCH (i:Institution) "
    tests = ["i.kind = $kind"] if kind else []
    if q:
        tests.append(_TEXT_MATCH)
        # LadybugDB binds a parameter inside a list predicate only through WITH.
        text += "WITH i, $q AS q "
    return text + ("WHERE " + " AND ".join(tests) + " " if tests else "")


def search_institutions(
    store: GraphStore,
    q: str = "",
    country: str = "",
    kind: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Institutions whose name, alias, acronym or former name contains `q`, one page of them.

    Returns (rows, total). `country` is a code or an English name. Complexity: one scan of
    the institutions (of the country, when given) to count, one to pick the page.
    """
    params = {
        "q": q.strip().lower(),
        "country": country_code(country) if country else "",
        "kind": kind,
    }
    match = _search_match(**params)
    params = {k: v for k, v in params.items() if v}
    total = store.run(match + "RETURN count(i) AS n", params).rows[0][0]
    if offset >= total:
        return [], total
    rows = store.run(
        match + "WITH i ORDER BY i.name, i.id SKIP $offset LIMIT $limit "
        "WITH i "
        "OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country) "
        "RETURN i.id AS id, i.name AS name, i.kind AS kind, c.iso2 AS country, "
        "i.city AS city, i.acronyms AS acronyms, i.website AS website, i.origin AS origin "
        "ORDER BY name, id",
        {**params, "offset": offset, "limit": limit},
    ).records()
    return rows, total


def _one(store: GraphStore, kind: str, label: str, key: str, value: str) -> dict[str, Any]:
    found = store.run(f"MATCH (n:{label}) WHERE n.{key} = $v RETURN n AS n", {"v": value}).rows
    if not found:
        raise NotFound(f"no {kind} with id {value!r}.", shared_resolver(store).suggest(kind, value))
    return found[0][0]


def get_institution(
    store: GraphStore, id: str, agreements_offset: int = 0, agreements_limit: int = 100
) -> dict[str, Any]:
    """One institution with its country, parent, networks, partners, strengths and sources,
    and one page of its agreements, most recent first (``agreement_count`` counts them all).
    """
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
    agreement_count = store.run(
        "MATCH (i:Institution)-[:PARTY_TO]->(a:Agreement) WHERE i.id = $id RETURN count(a)", p
    ).rows[0][0]
    # The page is chosen on plain values before its details are read, so a hub with
    # thousands of agreements costs what one page costs (queries/README.md).
    agreements = store.run(
        "MATCH (i:Institution)-[:PARTY_TO]->(a:Agreement) WHERE i.id = $id "
        "WITH a.id AS page_key, coalesce(a.signed_year, 0) AS page_year "
        "ORDER BY page_year DESC, page_key SKIP $offset LIMIT $limit "
        "MATCH (a:Agreement) WHERE a.id = page_key "
        "WITH a "
        "OPTIONAL MATCH (x:Institution)-[:PARTY_TO]->(a) WHERE x.id <> $id "
        "WITH a, collect(DISTINCT x.id) AS partners "
        "OPTIONAL MATCH (a)-[:COVERS]->(d:Discipline) "
        "WITH a, partners, collect(DISTINCT d.code) AS fields "
        "OPTIONAL MATCH (a)-[:REPORTED_IN]->(s:Source) "
        "RETURN a.id AS id, a.title AS title, a.kind AS kind, a.status AS status, "
        "a.signed_on AS signed_on, a.signed_year AS signed_year, partners, fields, "
        "collect(DISTINCT s.id) AS sources ORDER BY coalesce(signed_year, 0) DESC, id",
        {**p, "offset": agreements_offset, "limit": agreements_limit},
    ).records()
    strengths = store.run(
        "MATCH (i:Institution)-[s:STRONG_IN]->(d:Discipline) WHERE i.id = $id "
        "RETURN d.code AS code, d.name AS field, s.label AS label, s.note AS note, "
        "s.sources AS sources ORDER BY code",
        p,
    ).records()
    partners = store.run(
        "MATCH (i:Institution)-[:PARTY_TO]->(:Agreement)<-[:PARTY_TO]-(x:Institution) "
        "WHERE i.id = $id AND x.id <> $id "
        "WITH DISTINCT x "
        "OPTIONAL MATCH (x)-[:LOCATED_IN]->(c:Country) "
        "RETURN x.id AS id, x.name AS name, c.iso2 AS country ORDER BY name, id",
        p,
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
        "agreement_count": agreement_count,
        "agreements_offset": agreements_offset,
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
        "WITH i, m "
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
