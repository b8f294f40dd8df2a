"""Maps of the knowledge base: project the store, then render (see `kb.viz.render`).

Each function resolves what the user typed (id, name, alias, acronym, ISCED code), raises
`NotFound` or `InvalidInput` as the CLI and the API expect, and returns a `Map`; writing the
page to a file or a response is left to the caller.

>>> from kb.store import open_store  # doctest: +SKIP
>>> m = ego_map(open_store("embedded://kb-data"), "SPbPU", depth=2)  # doctest: +SKIP
>>> m.filename, m.nodes, m.edges  # doctest: +SKIP
('ego-spbpu-depth2.html', 17, 19)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

from kb.analytics.projection import (
    Filters,
    institution_attributes,
    institution_graph,
    sorted_graph,
)
from kb.browse import sources_by_id
from kb.errors import InvalidInput
from kb.resolve import shared_resolver
from kb.store.base import GraphStore
from kb.viz.graphs import country_graph
from kb.viz.render import COUNTRY_COLORS, INSTITUTION_COLORS, check, country_map, institution_map
from kb.viz.tooltips import Lookups


@dataclass(frozen=True)
class Map:
    """A rendered map: the page, a title, a file-name stem and the size of the graph."""

    title: str
    slug: str
    html: str
    nodes: int
    edges: int

    @property
    def filename(self) -> str:
        return f"{self.slug}.html"


def ego_map(
    store: GraphStore,
    institution: str,
    depth: int = 1,
    *,
    size_by: str = "degree",
    color_by: str = "country",
    seed: int = 0,
) -> Map:
    """An institution, its partners (depth 1) and their partners (depth 2), with the
    agreements among all of them."""
    if depth not in (1, 2):
        raise InvalidInput(f"depth must be 1 or 2, not {depth}.")
    check(size_by, color_by, INSTITUTION_COLORS)
    key = shared_resolver(store).institution(institution)
    g = institution_graph(store, Filters(institutions=_within(store, key, depth)))
    if key in g:
        sub = nx.ego_graph(g, key, radius=depth).copy()
    else:  # no agreements: the map is the institution alone
        sub = nx.Graph()
        sub.add_node(key, **institution_attributes(store, [key]).get(key, {"name": key}))
    name = sub.nodes[key].get("name") or key
    reach = "partners" if depth == 1 else "partners and partners' partners"
    return _institution_page(
        store,
        sub,
        f"{name}: {reach}",
        f"Institutions within {depth} agreement link{'s' * (depth > 1)} of {name}.",
        f"ego-{_slug(key)}" + ("-depth2" if depth == 2 else ""),
        size_by=size_by,
        color_by=color_by,
        seed=seed,
        focus=key,
    )


# From each id by key (see kb.analytics.projection on this form); a null for one without any.
_PARTNERS = """
UNWIND $ids AS k
MATCH (a:Institution) WHERE a.id = k
WITH a
OPTIONAL MATCH (a)-[:PARTY_TO]->(:Agreement)<-[:PARTY_TO]-(b:Institution)
WHERE b.id <> a.id
RETURN DISTINCT b.id
"""


def _within(store: GraphStore, key: str, depth: int) -> list[str]:
    """The institutions within `depth` agreement links of `key`, found by the store."""
    reached, frontier = {key}, [key]
    for _ in range(depth):
        found = {r[0] for r in store.run(_PARTNERS, {"ids": frontier}).rows} - {None}
        frontier = sorted(found - reached)
        reached |= found
    return sorted(reached)


def network_map(
    store: GraphStore,
    network: str,
    *,
    size_by: str = "degree",
    color_by: str = "country",
    seed: int = 0,
) -> Map:
    """The members of a network and the agreements between them (members with none stand
    alone)."""
    check(size_by, color_by, INSTITUTION_COLORS)
    key = shared_resolver(store).network(network)
    name = _name(store, "MATCH (n:Network) WHERE n.id = $k RETURN n.name", key)
    return _institution_page(
        store,
        institution_graph(store, Filters(network=key)),
        f"{name}: members and their agreements",
        "Members of the network; a link is an agreement between two members.",
        f"network-{_slug(key)}",
        size_by=size_by,
        color_by=color_by,
        seed=seed,
    )


def field_map(
    store: GraphStore,
    field: str,
    *,
    size_by: str = "degree",
    color_by: str = "country",
    seed: int = 0,
) -> Map:
    """Institutions joined by the agreements that cover an ISCED-F field or its sub-fields."""
    check(size_by, color_by, INSTITUTION_COLORS)
    code = shared_resolver(store).field(field)
    name = _name(store, "MATCH (d:Discipline) WHERE d.code = $k RETURN d.name", code)
    return _institution_page(
        store,
        institution_graph(store, Filters(field=code)),
        f"{code} {name}: agreements covering the field",
        "Institutions whose agreements cover the field or one of its sub-fields.",
        f"field-{_slug(code)}",
        size_by=size_by,
        color_by=color_by,
        seed=seed,
    )


def _institution_page(
    store: GraphStore,
    g: nx.Graph,
    title: str,
    subtitle: str,
    slug: str,
    *,
    size_by: str,
    color_by: str,
    seed: int,
    focus: str | None = None,
) -> Map:
    g, subtitle = _capped(g, subtitle, focus)
    html = institution_map(
        g,
        title=title,
        subtitle=subtitle,
        size_by=size_by,
        color_by=color_by,
        lookups=lookups(store, g),
        focus=focus,
        seed=seed,
    )
    return Map(title, slug, html, g.number_of_nodes(), g.number_of_edges())


# A browser draws 5,000 nodes interactively in about 1.3 s; far beyond that a map stops
# being readable or responsive, so larger graphs show their best-connected part.
MAX_NODES = 5_000


def _capped(g: nx.Graph, subtitle: str, focus: str | None) -> tuple[nx.Graph, str]:
    """At most MAX_NODES institutions: the focus and those with the most agreements."""
    n = g.number_of_nodes()
    if n <= MAX_NODES:
        return g, subtitle
    weight = dict(g.degree(weight="weight"))
    ranked = sorted(g.nodes, key=lambda v: (v != focus, -weight[v], v))
    kept = sorted_graph(g.subgraph(ranked[:MAX_NODES]))
    note = f" Showing the {MAX_NODES:,} with the most agreements of {n:,} institutions."
    return kept, subtitle + note


def countries_map(
    store: GraphStore,
    *,
    size_by: str = "weighted_degree",
    color_by: str = "region",
    seed: int = 0,
) -> Map:
    """Countries joined by the agreements between their institutions."""
    check(size_by, color_by, COUNTRY_COLORS)
    cg = country_graph(institution_graph(store))
    title = "Countries joined by their institutions' agreements"
    html = country_map(
        cg,
        title=title,
        subtitle="A link counts the agreements between institutions of two countries.",
        size_by=size_by,
        color_by=color_by,
        lookups=lookups(store, cg),
        seed=seed,
    )
    return Map(title, "countries", html, cg.number_of_nodes(), cg.number_of_edges())


def lookups(store: GraphStore, g: nx.Graph) -> Lookups:
    """Titles and URLs of the sources, names of the networks and fields that `g` mentions."""
    agreements = [a for _, _, d in g.edges(data=True) for a in d.get("agreements") or []]
    source_ids = sorted({s for a in agreements for s in a.get("sources") or []})
    codes = sorted({c for a in agreements for c in a.get("fields") or []})
    network_ids = sorted({n for _, a in g.nodes(data=True) for n in a.get("networks") or []})
    fields = store.run(
        "MATCH (d:Discipline) WHERE d.code IN $codes RETURN d.code, d.name", {"codes": codes}
    ).rows
    networks = store.run(
        "MATCH (n:Network) WHERE n.id IN $ids RETURN n.id, n.name", {"ids": network_ids}
    ).rows
    return Lookups(
        sources={s["id"]: s for s in sources_by_id(store, source_ids)},
        networks={k: v for k, v in networks if v},
        fields={k: v for k, v in fields if v},
    )


def _name(store: GraphStore, query: str, key: str) -> str:
    rows = store.run(query, {"k": key}).rows
    return (rows[0][0] if rows else None) or key


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.") or "map"
