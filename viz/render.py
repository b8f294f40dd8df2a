"""Maps as pure functions: a NetworkX graph in, one self-contained HTML page out.

Nodes are sized by a centrality measure (`kb.analytics.centrality`), coloured by a category
with a legend, and carry tooltips listing agreements, fields and sources; an edge's width
grows with the number of agreements it stands for. Up to `LAYOUT_THRESHOLD` nodes the browser
refines the layout with vis-network's physics; above it the layout is computed here
(`kb.viz.layout.force_layout`), physics is off and edges are straight, so a page of thousands
of nodes opens at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx
from pyvis.network import Edge, Network, Node

from kb.analytics.centrality import MEASURES, centrality
from kb.errors import InvalidInput
from kb.viz.layout import force_layout
from kb.viz.page import Legend, page
from kb.viz.style import categorical, edge_width, sizes
from kb.viz.tooltips import Lookups, Tips, country_tip, edge_tip, institution_tip

LAYOUT_THRESHOLD = 300
INSTITUTION_COLORS = ("country", "region", "type")
COUNTRY_COLORS = ("region", "country")
FOCUS_BORDER = "#111111"


def institution_map(
    g: nx.Graph,
    *,
    title: str,
    subtitle: str = "",
    size_by: str = "degree",
    color_by: str = "country",
    lookups: Lookups | None = None,
    focus: Hashable | None = None,
    layout_threshold: int = LAYOUT_THRESHOLD,
    seed: int = 0,
) -> str:
    """A page showing an institution graph (`kb.analytics.projection.institution_graph`).

    Parameters
    ----------
    g : nx.Graph
        Institutions (``name``, ``type``, ``country``, ``country_name``, ``region``,
        ``networks``, ``website``) joined by edges with ``agreements`` and ``weight``.
    title, subtitle : str
        Shown in the legend block (escaped) and as the page title.
    size_by : str
        A measure of `kb.analytics.centrality.MEASURES`.
    color_by : {"country", "region", "type"}
        The node attribute that picks the colour.
    lookups : Lookups
        Names of sources, networks and fields for the tooltips.
    focus : node, optional
        A node drawn with a thick dark border (the centre of an ego map).
    layout_threshold : int
        Above this many nodes the layout is computed in Python and physics is off.
    seed : int
        Seed of the layout and of sampled betweenness.

    Returns
    -------
    str
        A complete HTML document that needs no network access.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", weight=1, agreements=[{"id": "x", "title": "<MoU>"}])
    >>> html = institution_map(g, title="<Two>")
    >>> "<title>&lt;Two&gt;</title>" in html and "<MoU>" not in html
    True
    """
    check(size_by, color_by, INSTITUTION_COLORS)
    lookups = lookups or Lookups()
    scores = centrality(g, size_by, seed=seed).values  # type: ignore[arg-type]
    labels = {
        a["country"]: f"{a.get('country_name') or a['country']} ({a['country']})"
        for _, a in g.nodes(data=True)
        if color_by == "country" and a.get("country")
    }
    colors, swatches = categorical({n: a.get(color_by) for n, a in g.nodes(data=True)}, labels)
    node_sizes = sizes(scores)
    tips = Tips(lookups)
    nodes = []
    for n, a in g.nodes(data=True):
        agreements = _incident_agreements(g, n)
        tip = institution_tip(a, agreements, g.degree(n), (size_by, scores[n]), lookups)
        item: dict[str, Any] = {
            "label": a.get("name") or str(n),
            "color": colors[n],
            "size": node_sizes[n],
            "tip": tip,
            **tips.refs(agreements),
        }
        if n == focus:
            item.update(
                color={"background": colors[n], "border": FOCUS_BORDER},
                borderWidth=4,
                font={"size": 18},
            )
        nodes.append((n, item))
    notes = _notes(g, size_by, "institution", "institutions", layout_threshold)
    if focus is not None and focus in g:
        notes.insert(0, f"Centre (dark border): {g.nodes[focus].get('name') or focus}")
    legend = Legend(f"Colour: {color_by}", swatches, notes)
    return _render(g, nodes, title, subtitle, legend, tips, layout_threshold, seed)


def country_map(
    cg: nx.Graph,
    *,
    title: str,
    subtitle: str = "",
    size_by: str = "weighted_degree",
    color_by: str = "region",
    lookups: Lookups | None = None,
    layout_threshold: int = LAYOUT_THRESHOLD,
    seed: int = 0,
) -> str:
    """A page showing a country graph (`kb.viz.graphs.country_graph`): countries sized by
    centrality (by default the number of agreements abroad) and coloured by region."""
    check(size_by, color_by, COUNTRY_COLORS)
    lookups = lookups or Lookups()
    scores = centrality(cg, size_by, seed=seed).values  # type: ignore[arg-type]
    labels = {a["country"]: a["name"] for _, a in cg.nodes(data=True) if a.get("country")}
    colors, swatches = categorical({n: a.get(color_by) for n, a in cg.nodes(data=True)}, labels)
    node_sizes = sizes(scores)
    nodes = [
        (
            n,
            {
                "label": a.get("name") or str(n),
                "color": colors[n],
                "size": node_sizes[n],
                "tip": country_tip(a, a.get("abroad", 0), cg.degree(n), (size_by, scores[n])),
            },
        )
        for n, a in cg.nodes(data=True)
    ]
    notes = _notes(cg, size_by, "country", "countries", layout_threshold)
    legend = Legend(f"Colour: {color_by}", swatches, notes)
    return _render(cg, nodes, title, subtitle, legend, Tips(lookups), layout_threshold, seed)


def check(size_by: str, color_by: str, colors: tuple[str, ...]) -> None:
    if size_by not in MEASURES:
        raise InvalidInput(
            f"cannot size nodes by {size_by!r}; choose one of {', '.join(MEASURES)}."
        )
    if color_by not in colors:
        raise InvalidInput(
            f"this map cannot colour nodes by {color_by!r}; choose one of {', '.join(colors)}."
        )


def _incident_agreements(g: nx.Graph, n: Hashable) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for _, _, data in g.edges(n, data=True):
        for a in data.get("agreements") or []:
            seen.setdefault(a["id"], a)
    return [seen[k] for k in sorted(seen)]


def _notes(g: nx.Graph, size_by: str, one: str, many: str, threshold: int) -> list[str]:
    n, m = g.number_of_nodes(), g.number_of_edges()
    weights = [d.get("weight", 1) for _, _, d in g.edges(data=True)]
    notes = [
        f"{n} {one if n == 1 else many}, {m} link{'s' * (m != 1)}",
        f"Node size: {size_by.replace('_', ' ')} centrality",
        "Link width: number of agreements"
        + (f" (1–{max(weights)})" if weights and max(weights) > 1 else ""),
    ]
    if n == 0:
        notes.insert(0, f"No {many} to show.")
    if n > threshold:
        notes.append(f"Layout computed in advance (more than {threshold} nodes).")
    return notes


def _render(
    g: nx.Graph,
    nodes: list[tuple[Hashable, dict[str, Any]]],
    title: str,
    subtitle: str,
    legend: Legend,
    tips: Tips,
    threshold: int,
    seed: int,
) -> str:
    big = g.number_of_nodes() > threshold
    physics = not big and g.number_of_nodes() > 1
    positions = force_layout(g, seed=seed, spacing=120.0 if big else 80.0)
    # pyvis's add_node and add_edge scan every node or edge added before (O(n²) in all), so
    # its Node and Edge records are appended directly.
    net = Network(height="100%", width="100%", cdn_resources="in_line", heading=title)
    for n, item in nodes:
        x, y = positions[n]
        net.nodes.append(Node(str(n), "dot", x=x, y=y, **item).options)
    for u, v, data in g.edges(data=True):
        agreements = data.get("agreements") or []
        tip = edge_tip(_name(g, u), _name(g, v), agreements, tips.lookups)
        width = edge_width(data.get("weight", 1))
        net.edges.append(
            Edge(str(u), str(v), width=width, tip=tip, **tips.refs(agreements)).options
        )
    net.options = _options(big, physics, seed)
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "agreements": tips.agreements,
        "sources": tips.sources,
        "options": net.options,
        "physics": physics,
    }
    return page(title, subtitle, legend, data)


def _name(g: nx.Graph, n: Hashable) -> str:
    return g.nodes[n].get("name") or str(n)


def _options(big: bool, physics: bool, seed: int) -> dict[str, Any]:
    return {
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "system-ui, sans-serif"},
            # Labels are drawn once they would be this many pixels high: on a large map, only
            # after zooming in.
            "scaling": {"label": {"drawThreshold": 9 if big else 5}},
        },
        "edges": {
            "color": {
                "color": "#9aa5b1",
                "highlight": "#333333",
                "hover": "#333333",
                "opacity": 0.7,
            },
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
        },
        "interaction": {
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": False,
        },
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "physics": (
            {
                "enabled": True,
                "solver": "barnesHut",
                "barnesHut": {
                    "gravitationalConstant": -8000,
                    "springLength": 160,
                    "avoidOverlap": 0.3,
                },
                "stabilization": {"enabled": True, "iterations": 150, "fit": True},
            }
            if physics
            else {"enabled": False}
        ),
    }
