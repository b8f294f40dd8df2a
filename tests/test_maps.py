"""Maps without a browser: self-contained pages, escaping, node counts, legend, layout, and
each kind of map from the seed knowledge base on both stores, through the core, CLI and API."""

from __future__ import annotations

import doctest
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kb.analytics.centrality import MEASURES
from kb.api.main import create_app
from kb.api.routes.maps import Measure
from kb.cli.main import app as cli
from kb.errors import InvalidInput, NotFound
from kb.loaders.kbfiles import load_paths
from kb.settings import Settings
from kb.store import GraphStore
from kb.viz import graphs, layout, maps, page, render, style, tooltips
from kb.viz.render import country_map, institution_map
from kb.viz.tooltips import Lookups
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "Closing </script><script>alert(2)</script> University"
_DATA = re.compile(r'<script type="application/json" id="kb-map-data">(.*?)</script>', re.S)

# What each map of the seed knowledge base holds: (nodes, edges).
SEED_MAPS = {
    "ego IITKGP": (lambda s: maps.ego_map(s, "IITKGP"), 7, 6),
    "ego SPbPU depth 2": (lambda s: maps.ego_map(s, "SPbPU", depth=2), 17, 19),
    "network WC2": (lambda s: maps.network_map(s, "WC2"), 1, 0),
    "network DAAD": (lambda s: maps.network_map(s, "daad-spatn"), 3, 3),
    "field Engineering": (lambda s: maps.field_map(s, "Engineering"), 3, 2),
    "field 0724": (lambda s: maps.field_map(s, "0724"), 2, 1),
    "countries": (lambda s: maps.countries_map(s), 9, 8),
}


def page_data(html: str) -> dict[str, Any]:
    """The JSON a page hands to vis-network (nodes, edges, agreements, sources, options)."""
    match = _DATA.search(html)
    assert match, "no map data in the page"
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_self_contained(html: str) -> None:
    """Nothing in the page loads anything: no element with src or href, no link element, no
    remote url() or @import in a style; exactly the template's three scripts."""
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    assert [t for t, a in tags if {"src", "href", "srcset", "data", "action"} & set(a)] == []
    assert [t for t, _ in tags if t in ("link", "img", "iframe", "embed", "object", "base")] == []
    scripts = [a for t, a in tags if t == "script"]
    assert scripts == [{}, {"type": "application/json", "id": "kb-map-data"}, {}]
    assert len(re.findall(r"</script", html, re.I)) == 3  # nothing in the data closes one
    styles = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert "url(" not in styles and "@import" not in styles
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*[\"']?https?:", html, re.I)


def policy(html: str) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert match
    return unescape(match.group(1))


def two_institutions(**extra: Any) -> nx.Graph:
    g = nx.Graph()
    g.add_node(
        "a",
        name="Alpha University",
        type="university",
        country="IN",
        country_name="India",
        region="Asia",
        networks=["n1"],
        **extra,
    )
    g.add_node(
        "b",
        name="Beta Institute",
        type="institute",
        country="RU",
        country_name="Russian Federation",
        region="Europe",
        networks=[],
    )
    g.add_edge(
        "a",
        "b",
        weight=2,
        agreements=[
            {
                "id": "x",
                "title": "MoU",
                "kind": "MoU",
                "status": "active",
                "year": 2020,
                "fields": ["0724"],
                "sources": ["s1"],
            },
            {
                "id": "y",
                "title": "Exchange",
                "kind": "exchange",
                "status": None,
                "year": None,
                "fields": [],
                "sources": [],
            },
        ],
    )
    return g


def random_institutions(n: int, seed: int = 1) -> nx.Graph:
    g = nx.barabasi_albert_graph(n, 1, seed=seed)
    for v in g.nodes:
        g.nodes[v].update(name=f"Institution {v}", country="IN" if v % 2 else "RU")
    for u, v, d in g.edges(data=True):
        d.update(weight=1, agreements=[{"id": f"{u}-{v}", "title": "MoU", "fields": []}])
    return g


# -- the page itself ----------------------------------------------------------------------
def test_a_page_is_self_contained_and_inlines_vis_network():
    html = institution_map(two_institutions(), title="Two")
    assert_self_contained(html)
    assert page.vis_network_js()[:2000] in html  # the library itself, not a reference to it
    assert "vis.Network" in html and 'http-equiv="Content-Security-Policy"' in html
    csp = policy(html)
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert csp.count("'sha256-") == 2


def test_the_policy_hashes_the_scripts_of_the_page():
    import base64
    import hashlib

    html = institution_map(two_institutions(), title="Two")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy(html)


def test_node_and_edge_counts_sizes_colours_and_legend():
    g = two_institutions()
    g.add_node("c", name="Gamma", country="IN", country_name="India", region="Asia")
    html = institution_map(g, title="Three", size_by="weighted_degree", color_by="country")
    data = page_data(html)
    assert [n["id"] for n in data["nodes"]] == ["a", "b", "c"] and len(data["edges"]) == 1
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id["a"]["size"] == by_id["b"]["size"] > by_id["c"]["size"]
    assert by_id["a"]["color"] == by_id["c"]["color"] != by_id["b"]["color"]
    assert data["edges"][0]["width"] == style.edge_width(2) == 3.0
    assert 'id="legend"' in html and "Colour: country" in html
    assert "India (IN)" in html and "Russian Federation (RU)" in html
    assert "Node size: weighted degree centrality" in html
    assert "Link width: number of agreements (1–2)" in html
    by_type = page_data(institution_map(g, title="T", color_by="type"))
    assert {n["color"] for n in by_type["nodes"]} == {"#4e79a7", "#f28e2b", style.UNKNOWN}


def test_tooltips_list_agreements_fields_and_linked_sources():
    lookups = Lookups(
        sources={"s1": {"title": "Report", "publisher": "Gazette", "url": "https://x.org/r"}},
        networks={"n1": "Network One"},
        fields={"0724": "Mining and extraction"},
    )
    data = page_data(
        institution_map(two_institutions(website="https://a.org"), title="T", lookups=lookups)
    )
    a = data["nodes"][0]
    assert "<b>Alpha University</b>" in a["tip"] and "Networks: Network One" in a["tip"]
    assert "0724 Mining and extraction" in a["tip"] and "1 partner, 2 agreements" in a["tip"]
    assert (
        '<a href="https://a.org" target="_blank" rel="noopener noreferrer">website</a>' in a["tip"]
    )
    listed = [data["agreements"][i] for i in a["ag"]]
    assert [x[0] for x in listed] == [
        "MoU <i>(MoU, active, 2020)</i>",
        "Exchange <i>(exchange)</i>",
    ]
    assert [data["sources"][i] for i in listed[0][1]] == [
        '<a href="https://x.org/r" target="_blank" rel="noopener noreferrer">Report (Gazette)</a>'
    ]
    edge = data["edges"][0]
    assert "<b>Alpha University — Beta Institute</b>" in edge["tip"]
    assert edge["ag"] == a["ag"]  # one copy of each agreement, shared by node and edge tooltips


def test_long_lists_are_cut_and_counted():
    g = nx.star_graph(9)
    for v in g.nodes:
        g.nodes[v]["name"] = f"N{v}"
    for _, v, d in g.edges(data=True):
        d.update(weight=1, agreements=[{"id": f"a{v}", "title": f"A{v}"}])
    centre = page_data(institution_map(g, title="Star"))["nodes"][0]
    assert len(centre["ag"]) == tooltips.MAX_AGREEMENTS and centre["more"] == 9 - 6


# -- escaping -------------------------------------------------------------------------------
def hostile_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node(
        "evil-img",
        name=IMG,
        type="<i>type</i>",
        country="IN",
        country_name="<India>",
        networks=["<net>"],
        website="javascript:alert(5)",
    )
    g.add_node("evil-script", name=SCRIPT, country="RU", country_name="Russia & Co")
    g.add_edge(
        "evil-img",
        "evil-script",
        weight=1,
        agreements=[
            {
                "id": "<id>",
                "title": "<iframe src=javascript:alert(7)></iframe>",
                "kind": "<k>",
                "fields": ["<f>"],
                "sources": ["s"],
            }
        ],
    )
    return g


HOSTILE_LOOKUPS = Lookups(
    sources={
        "s": {"title": "<script>alert(3)</script>", "publisher": "<b>", "url": "javascript:x"}
    },
    networks={"<net>": "<svg onload=alert(6)>"},
    fields={"<f>": "<field>"},
)


@pytest.mark.parametrize("kind", ["institutions", "countries"])
def test_hostile_names_are_text_everywhere(kind: str):
    g = hostile_graph()
    if kind == "institutions":
        html = institution_map(
            g, title=f"Map of {IMG}", subtitle=SCRIPT, focus="evil-img", lookups=HOSTILE_LOOKUPS
        )
    else:
        html = country_map(
            graphs.country_graph(g),
            title=f"Map of {IMG}",
            subtitle=SCRIPT,
            lookups=HOSTILE_LOOKUPS,
            color_by="country",
        )
    assert_self_contained(html)
    # No raw markup from the data anywhere in the page: title, legend, JSON, tooltips.
    for raw in (IMG, "</script><script>", "<iframe", "<svg", "<script>alert", "<India>"):
        assert raw not in html
    assert "<title>Map of &lt;img src=x onerror=alert(1)&gt;</title>" in html
    assert "Closing &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; University" in html
    data = page_data(html)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    tips = " ".join(n["tip"] for n in data["nodes"]) + " ".join(e["tip"] for e in data["edges"])
    fragments = " ".join(a[0] for a in data["agreements"]) + " ".join(data["sources"])
    if kind == "institutions":
        assert labels == {"evil-img": IMG, "evil-script": SCRIPT}  # drawn on canvas as text
        assert "&lt;img src=x onerror=alert(1)&gt;" in tips and "&lt;svg onload" in tips
        assert "&lt;iframe src=javascript:alert(7)&gt;&lt;/iframe&gt;" in fragments
        assert "&lt;script&gt;alert(3)&lt;/script&gt; (&lt;b&gt;)" in fragments
        assert "javascript:alert(5)" not in tips  # an unsafe website is left out
    else:
        assert set(labels.values()) == {"<India>", "Russia & Co"}
        assert "&lt;India&gt; (IN)" in tips and "&lt;img src=x onerror=alert(1)&gt;" in tips
    assert not re.search(r"<(img|iframe|svg|script)\b", tips + fragments)
    assert 'href="javascript' not in tips + fragments


def test_embedded_json_cannot_close_its_script_element():
    text = page.script_json({"n": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"n": "</script><!-- & \u2028"}


def test_only_http_urls_become_links():
    assert tooltips.link("x", "javascript:alert(1)") == "x"
    assert tooltips.link("x", "data:text/html,<b>") == "x"
    assert tooltips.link("x", "//evil.org") == "x"
    assert tooltips.link("<x>", 'https://ok.org/?a="b"') == (
        '<a href="https://ok.org/?a=&quot;b&quot;" target="_blank" rel="noopener noreferrer">'
        "&lt;x&gt;</a>"
    )


# -- layout ------------------------------------------------------------------------------------
def test_small_maps_run_physics_from_a_computed_start():
    data = page_data(institution_map(random_institutions(50), title="Small"))
    assert data["physics"] is True and data["options"]["physics"]["enabled"] is True
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert data["options"]["edges"]["smooth"]["enabled"] is True


def test_large_maps_are_laid_out_in_python_with_physics_off():
    g = random_institutions(render.LAYOUT_THRESHOLD + 1)
    html = institution_map(g, title="Large")
    data = page_data(html)
    assert len(data["nodes"]) == render.LAYOUT_THRESHOLD + 1
    assert data["physics"] is False and data["options"]["physics"] == {"enabled": False}
    assert data["options"]["edges"]["smooth"] is False
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True
    xy = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(xy) == len(data["nodes"])  # every node placed, no two on the same spot
    assert "Layout computed in advance" in html
    assert page_data(institution_map(g, title="Large"))["nodes"] == data["nodes"]  # seeded


def test_layout_threshold_is_a_parameter():
    data = page_data(institution_map(random_institutions(10), title="T", layout_threshold=5))
    assert data["physics"] is False


def test_force_layout_is_deterministic_and_spreads_nodes():
    g = nx.barabasi_albert_graph(2000, 2, seed=3)
    pos = layout.force_layout(g, seed=7)
    assert pos == layout.force_layout(g, seed=7) and pos != layout.force_layout(g, seed=8)
    xs = sorted(x for x, _ in pos.values())
    assert xs[-1] - xs[0] > 1000  # spread over thousands of pixels, not collapsed
    assert len(set(pos.values())) == 2000
    assert layout.force_layout(nx.Graph()) == {}


# -- country graph -------------------------------------------------------------------------
def test_country_graph_counts_each_agreement_once_per_pair_of_countries():
    g = nx.Graph()
    for v, c in [("a", "IN"), ("b", "RU"), ("c", "IN"), ("d", None)]:
        g.add_node(
            v, name=v.upper(), country=c, country_name={"IN": "India", "RU": "Russia"}.get(c)
        )
    tri = {"id": "tri", "fields": ["0724"]}
    g.add_edge("a", "b", agreements=[tri])
    g.add_edge("c", "b", agreements=[tri, {"id": "cb", "fields": []}])
    g.add_edge("a", "c", agreements=[tri])
    g.add_edge("d", "a", agreements=[{"id": "da", "fields": []}])
    cg = graphs.country_graph(g)
    assert cg.edges["IN", "RU"]["weight"] == 2 and cg.edges["IN", "RU"]["fields"] == ["0724"]
    assert cg.nodes["IN"]["internal"] == 1 and cg.nodes["IN"]["abroad"] == 3
    assert cg.nodes["IN"]["institutions"] == ["A", "C"]
    assert cg.nodes[graphs.UNKNOWN_COUNTRY]["name"] == "unknown country"


# -- options -------------------------------------------------------------------------------
def test_bad_encodings_are_invalid_input():
    with pytest.raises(InvalidInput, match="size nodes"):
        institution_map(two_institutions(), title="T", size_by="closeness")
    with pytest.raises(InvalidInput, match="colour"):
        country_map(nx.Graph(), title="T", color_by="type")
    assert set(get_args(Measure)) == set(MEASURES)


def test_every_measure_sizes_nodes():
    g = random_institutions(30)
    for measure in MEASURES:
        sizes = [
            n["size"] for n in page_data(institution_map(g, title="T", size_by=measure))["nodes"]
        ]
        assert min(sizes) >= style.MIN_SIZE and max(sizes) <= style.MAX_SIZE


def test_an_empty_map_still_renders():
    html = institution_map(nx.Graph(), title="Nothing")
    assert page_data(html)["nodes"] == [] and "No institutions to show." in html


@pytest.mark.parametrize("module", [graphs, layout, page, render, style, tooltips])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


# -- from the store: both stores -----------------------------------------------------------
@pytest.mark.parametrize("name", list(SEED_MAPS))
def test_each_map_of_the_seed(seeded: GraphStore, name: str):
    build, nodes, edges = SEED_MAPS[name]
    m = build(seeded)
    data = page_data(m.html)
    assert (m.nodes, m.edges) == (len(data["nodes"]), len(data["edges"])) == (nodes, edges)
    assert_self_contained(m.html)
    assert 'id="legend"' in m.html and m.filename.endswith(".html") and "/" not in m.filename


def test_seed_maps_say_who_is_where(seeded: GraphStore):
    ego = maps.ego_map(seeded, "IITKGP")
    assert ego.filename == "ego-iit-kharagpur.html"
    data = page_data(ego.html)
    centre = next(n for n in data["nodes"] if n["id"] == "iit-kharagpur")
    assert centre["borderWidth"] == 4 and "Centre (dark border)" in ego.html
    assert "Indian Institute of Technology Kharagpur" in centre["label"]
    sources = " ".join(data["sources"])
    assert "IIT Kharagpur-Russia MoU" in sources
    countries = page_data(maps.countries_map(seeded).html)
    assert {"IN", "RU", "CN", "DE"} <= {n["id"] for n in countries["nodes"]}
    field = maps.field_map(seeded, "Mining")
    assert field.filename == "field-0724.html" and "Mining and extraction" in field.title


def test_unknown_names_and_bad_depths(seeded: GraphStore):
    with pytest.raises(NotFound, match="Did you mean"):
        maps.ego_map(seeded, "IITKG")
    with pytest.raises(NotFound):
        maps.network_map(seeded, "no such network")
    with pytest.raises(NotFound):
        maps.field_map(seeded, "Alchemy")
    with pytest.raises(InvalidInput, match="depth"):
        maps.ego_map(seeded, "IITKGP", depth=3)
    with pytest.raises(InvalidInput):
        maps.countries_map(seeded, color_by="type")


def test_an_institution_without_agreements_is_a_map_of_one(store: GraphStore):
    load_paths(store, [HOSTILE / "sources.yaml", HOSTILE / "institutions.yaml"])
    m = maps.ego_map(store, "plain-partner")
    assert (m.nodes, m.edges) == (1, 0)


def test_hostile_knowledge_base_maps(store: GraphStore):
    load_paths(store, [HOSTILE])
    for m in (
        maps.ego_map(store, "evil-img", depth=2),
        maps.network_map(store, "evil-net"),
        maps.field_map(store, "0724"),
        maps.countries_map(store),
    ):
        assert_self_contained(m.html)
        assert IMG not in m.html and "</script><script>" not in m.html
        assert "javascript:" not in " ".join(page_data(m.html)["sources"])
    labels = {
        n["id"]: n["label"] for n in page_data(maps.ego_map(store, "evil-img", 2).html)["nodes"]
    }
    assert labels == {
        "evil-img": IMG,
        "evil-script": SCRIPT,
        "plain-partner": "Plain Partner University",
    }


# -- CLI -------------------------------------------------------------------------------------
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"embedded://{tmp_path_factory.mktemp('maps-cli') / 'kb-data'}"
    assert runner.invoke(cli, ["load", "seed", "--store", uri]).exit_code == 0
    return uri


@pytest.mark.parametrize(
    ("args", "filename", "nodes"),
    [
        (["ego", "IITKGP"], "ego-iit-kharagpur.html", 7),
        (["ego", "SPbPU", "--depth", "2", "--size-by", "pagerank"], "ego-spbpu-depth2.html", 17),
        (["network", "WC2", "--color-by", "region"], "network-wc2.html", 1),
        (["field", "0724", "--color-by", "type"], "field-0724.html", 2),
        (["countries", "--color-by", "country"], "countries.html", 9),
    ],
)
def test_cli_writes_the_page_and_prints_its_path(
    demo_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, filename, nodes
):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli, ["map", *args, "--store", demo_store])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == filename and f"{nodes} node" in r.stderr
    assert page_data((tmp_path / filename).read_text())["nodes"].__len__() == nodes
    out = tmp_path / "sub.html"
    r = runner.invoke(cli, ["map", *args, "-o", str(out), "--json", "--store", demo_store])
    body = json.loads(r.stdout)
    assert body["path"] == str(out) and body["nodes"] == nodes and out.exists()
    assert set(body) == {"path", "title", "nodes", "edges"}


def test_cli_errors_are_one_line(demo_store: str, tmp_path: Path):
    r = runner.invoke(cli, ["map", "ego", "IITKG", "--store", demo_store])
    assert r.exit_code == 1 and "Did you mean" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["map", "ego", "IITKGP", "--size-by", "fame", "--store", demo_store])
    assert r.exit_code == 1 and "cannot size nodes" in r.stderr
    r = runner.invoke(cli, ["map", "ego", "IITKGP", "--depth", "3", "--store", demo_store])
    assert r.exit_code == 2
    r = runner.invoke(
        cli, ["map", "countries", "-o", str(tmp_path / "no/such/dir.html"), "--store", demo_store]
    )
    assert r.exit_code == 1 and "cannot write" in r.stderr


# -- API -------------------------------------------------------------------------------------
@pytest.fixture
def api(seeded: GraphStore) -> TestClient:
    return TestClient(create_app(Settings(store="unused"), seeded))


@pytest.mark.parametrize(
    ("url", "nodes"),
    [
        ("/maps/ego/IITKGP", 7),
        ("/maps/ego/spbpu?depth=2&size_by=betweenness&color_by=region", 17),
        ("/maps/network/WC2", 1),
        ("/maps/field/Mining", 2),
        ("/maps/countries?color_by=country", 9),
    ],
)
def test_api_returns_the_page(api: TestClient, url: str, nodes: int):
    r = api.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert len(page_data(r.text)["nodes"]) == nodes
    assert_self_contained(r.text)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/maps/ego/IITKG", 404),
        ("/maps/network/nope", 404),
        ("/maps/field/Alchemy", 404),
        ("/maps/ego/IITKGP?depth=3", 422),
        ("/maps/ego/IITKGP?size_by=fame", 422),
        ("/maps/countries?color_by=type", 422),
    ],
)
def test_api_errors_are_problems(api: TestClient, url: str, status: int):
    r = api.get(url)
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status


def test_a_map_larger_than_the_cap_shows_the_focus_and_the_best_connected(
    seeded: GraphStore, monkeypatch: pytest.MonkeyPatch
):
    full = maps.ego_map(seeded, "SPbPU", depth=2)
    monkeypatch.setattr(maps, "MAX_NODES", 4)
    capped = maps.ego_map(seeded, "SPbPU", depth=2)
    data = page_data(capped.html)
    assert full.nodes > 4 and capped.nodes == len(data["nodes"]) == 4
    assert "spbpu" in {n["id"] for n in data["nodes"]}
    assert f"Showing the 4 with the most agreements of {full.nodes} institutions" in capped.html
