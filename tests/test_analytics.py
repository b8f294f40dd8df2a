"""Network analytics: pure functions on hand-made graphs, then the seed knowledge base on every
store, the `kb analytics` commands and the /analytics endpoints."""

from __future__ import annotations

import doctest
import importlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kb.analytics.brokers import brokers, network_brokers
from kb.analytics.centrality import central_institutions, centrality
from kb.analytics.communities import communities, institution_communities
from kb.analytics.projection import Filters, institution_graph
from kb.analytics.scores import SCORE_NAMES, institution_scores, score_rows, write_scores
from kb.analytics.suggest import partner_suggestions, shared_fields, suggest_partners
from kb.api.main import create_app
from kb.cli.main import app
from kb.errors import InvalidInput, NotFound
from kb.loaders.kbfiles import load_paths
from kb.loaders.seed import load_seed
from kb.settings import Settings
from kb.store import GraphStore

MODULES = ["centrality", "communities", "brokers", "suggest", "scores", "projection"]
TOP_BY_PAGERANK = "MATCH (i:Institution) RETURN i.id ORDER BY i.pagerank DESC LIMIT 1"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"kb.analytics.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name != "projection":
        assert result.attempted > 0


# -- pure: centrality ------------------------------------------------------------------------
def _star(leaves: int = 5) -> nx.Graph:
    return nx.star_graph(leaves)  # node 0 is the centre


def test_a_stars_centre_is_the_most_central_by_every_measure() -> None:
    g = _star()
    for measure in ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"):
        values = centrality(g, measure).values
        assert max(values, key=values.get) == 0, measure
    assert centrality(g, "degree").values == {0: 5.0, 1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0}
    between = centrality(g, "betweenness")
    assert between.values[0] == 1.0 and between.method == "exact"
    assert all(between.values[n] == 0.0 for n in range(1, 6))


def test_weighted_degree_counts_agreements() -> None:
    g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1})])
    assert centrality(g, "weighted_degree").values == {"a": 3.0, "b": 4.0, "c": 1.0}


def test_sampled_betweenness_says_so_and_is_reproducible() -> None:
    g = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=7)
    first = centrality(g, "betweenness", sample=10, seed=3)
    again = centrality(g, "betweenness", sample=10, seed=3)
    assert first.method == "sampled (k=10, seed=3)"
    assert first.values == again.values
    assert centrality(g, "betweenness", sample=10, seed=4).values != first.values
    # a sample as large as the graph is the exact computation
    assert centrality(g, "betweenness", sample=60).method == "exact"


def test_an_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(_star(), "fame")  # type: ignore[arg-type]


# -- pure: communities -----------------------------------------------------------------------
def _two_cliques() -> nx.Graph:
    g = nx.complete_graph(["a1", "a2", "a3", "a4"])
    g.add_edges_from(nx.complete_graph(["b1", "b2", "b3"]).edges)
    g.add_edge("a4", "b1")
    return g


def test_communities_are_numbered_by_size() -> None:
    labels = communities(_two_cliques())
    assert labels == {"a1": 0, "a2": 0, "a3": 0, "a4": 0, "b1": 1, "b2": 1, "b3": 1}


def test_communities_of_equal_size_are_ordered_by_their_smallest_member() -> None:
    g = nx.Graph([("y", "z"), ("b", "c")])
    assert communities(g) == {"b": 0, "c": 0, "y": 1, "z": 1}


def test_communities_do_not_depend_on_the_order_the_graph_was_built_in() -> None:
    g = nx.connected_caveman_graph(5, 4)
    edges = [(f"n{u:02}", f"n{v:02}") for u, v in g.edges]
    expected = communities(nx.Graph(edges), seed=5)
    for shuffle in range(5):
        random.Random(shuffle).shuffle(edges)
        assert communities(nx.Graph(edges), seed=5) == expected
    assert len(set(expected.values())) == 5
    assert communities(nx.Graph()) == {}


# -- pure: brokers ---------------------------------------------------------------------------
def test_brokers_are_members_of_both_or_partners_of_both() -> None:
    g = nx.Graph(
        [
            ("a1", "liaison"),
            ("liaison", "b1"),
            ("liaison", "b2"),
            ("a2", "b2"),  # a direct A–B agreement makes no broker
            ("a1", "both"),
            ("same", "both"),  # its partner in A and in B is one and the same
        ]
    )
    a, b = {"a1", "a2", "both"}, {"b1", "b2", "both"}
    rows = brokers(g, a, b)
    assert [r["node"] for r in rows] == ["liaison", "both"]
    liaison, both = rows
    assert liaison["a_partners"] == ["a1"] and liaison["b_partners"] == ["b1", "b2"]
    assert liaison["connects"] == 3 and not liaison["in_a"] and not liaison["in_b"]
    assert liaison["reasons"] == ["partners in A: a1", "partners in B: b1, b2"]
    assert both["in_a"] and both["in_b"] and both["connects"] == 1 + 2
    assert both["a_partners"] == ["a1"] and both["b_partners"] == []
    assert both["reasons"] == ["member of both A and B", "partners in A: a1"]
    # the pairs whose shortest paths run through the liaison: a1 and `both` to b1 and b2, a2
    # to b1 (a2–b2–liaison–b1) and a2 to `both`; none runs through `both`, a dead end
    assert liaison["betweenness"] == 6.0 and both["betweenness"] == 0.0


def test_a_member_of_both_networks_without_agreements_is_a_broker() -> None:
    rows = brokers(nx.Graph([("x", "y")]), {"m", "x"}, {"m"})
    assert [(r["node"], r["connects"], r["betweenness"]) for r in rows] == [("m", 2, 0.0)]


def test_brokers_rank_by_members_connected_then_betweenness() -> None:
    # p and q each link one member of A with one of B; only q lies on the path a2 -> b2
    g = nx.Graph([("a1", "p"), ("p", "b1"), ("a2", "q"), ("q", "b2"), ("a1", "q")])
    rows = brokers(g, {"a1", "a2"}, {"b1", "b2"})
    assert [r["node"] for r in rows] == ["q", "p"]
    assert rows[0]["connects"] == 3 and rows[1]["connects"] == 2
    assert brokers(g, set(), {"b1"}) == []


# -- pure: suggestions -----------------------------------------------------------------------
def test_shared_fields_meet_at_the_most_specific_common_level() -> None:
    assert shared_fields(["0724"], ["0724"]) == ["0724"]
    assert shared_fields(["0724"], ["0722"]) == ["072"]
    assert shared_fields(["0724"], ["0711"]) == ["07"]
    assert shared_fields(["0724"], ["0211"]) == []
    assert shared_fields(["07"], ["0724", "0531"]) == ["07"]


def _partners_graph() -> nx.Graph:
    g = nx.Graph([("me", "p1"), ("me", "p2"), ("p1", "fof"), ("p2", "fof"), ("p1", "far")])
    g.add_edge("stranger", "other")
    nx.set_node_attributes(g, {n: f"{n.upper()} University" for n in g}, "name")
    return g


def test_suggestions_rank_by_a_transparent_score_with_reasons() -> None:
    rows = suggest_partners(
        _partners_graph(),
        "me",
        fields={"me": ["0724", "0211"], "stranger": ["0724"], "far": ["0722"], "p1": ["0724"]},
        networks={"me": ["brics"], "lonely": ["brics"], "p2": ["brics"]},
        field_names={"0724": "Mining and extraction", "072": "Manufacturing and processing"},
        network_names={"brics": "BRICS Network University"},
        limit=None,
    )
    by_node = {r["node"]: r for r in rows}
    assert [r["node"] for r in rows] == ["far", "fof", "stranger", "lonely"]
    assert by_node["fof"]["score"] == 4 and by_node["fof"]["common_partners"] == ["p1", "p2"]
    assert by_node["fof"]["reasons"] == ["common partners: P1 University, P2 University"]
    assert by_node["stranger"]["points"] == {"fields": 3, "networks": 0, "partners": 0}
    assert by_node["stranger"]["reasons"] == ["shares fields: Mining and extraction (0724)"]
    assert by_node["far"]["score"] == 2 + 2
    assert by_node["far"]["reasons"] == [
        "shares fields: Manufacturing and processing (072)",
        "common partners: P1 University",
    ]
    assert by_node["lonely"]["reasons"] == ["both in BRICS Network University"]
    assert "other" not in by_node  # nothing in common


def test_suggestions_are_never_the_institution_or_a_current_partner() -> None:
    g = _partners_graph()
    fields = {n: ["0724"] for n in g}
    networks = {n: ["net"] for n in g}
    rows = suggest_partners(g, "me", fields=fields, networks=networks, limit=None)
    assert {r["node"] for r in rows} == {"fof", "far", "stranger", "other"}
    assert len(suggest_partners(g, "me", fields=fields, networks=networks, limit=2)) == 2
    # an institution without agreements is suggested partners too
    alone = suggest_partners(g, "new", fields={"new": ["0724"], "p1": ["0724"]})
    assert [r["node"] for r in alone] == ["p1"]


def test_institution_scores_hold_every_measure_and_the_community() -> None:
    table = institution_scores(_star(3))
    assert set(table.values[0]) == set(SCORE_NAMES)
    assert table.values[0]["degree"] == 3.0 and table.values[0]["community"] == 0
    assert table.betweenness == "exact"
    assert institution_scores(_star(3), sample=2, seed=1).betweenness == "sampled (k=2, seed=1)"


# -- the seed knowledge base, on every store -----------------------------------------------
def test_spbpu_is_the_most_central_institution(seeded: GraphStore) -> None:
    for measure in ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"):
        result = central_institutions(seeded, measure, top=3)
        assert result["rows"][0]["id"] == "spbpu", measure
        assert result["count"] == 24 and result["method"] == "exact"
    degree = central_institutions(seeded, "degree", top=2)["rows"]
    assert [(r["id"], r["score"]) for r in degree] == [("spbpu", 16.0), ("iit-kharagpur", 6.0)]
    between = central_institutions(seeded, "betweenness", top=2)["rows"]
    assert [r["id"] for r in between] == ["spbpu", "iit-kharagpur"]
    assert degree[0]["name"] == "Peter the Great St. Petersburg Polytechnic University"


def test_centrality_filters(seeded: GraphStore) -> None:
    def ranked(**filters: object) -> list[tuple[str, float]]:
        rows = central_institutions(seeded, "degree", top=None, filters=Filters(**filters))
        return [(r["id"], r["score"]) for r in rows["rows"] if r["score"] > 0]

    assert ranked(country="Russia") == [("ras-spb-branch", 1.0), ("spbpu", 1.0)]
    assert ranked(field="Mining") == [("iit-kharagpur", 1.0), ("spmu", 1.0)]
    assert ranked(until=2015) == [("daad", 2.0), ("leibniz-hannover", 2.0), ("spbpu", 2.0)]
    assert central_institutions(seeded, "degree", filters=Filters(network="WC2"))["count"] == 1
    with pytest.raises(NotFound):
        central_institutions(seeded, filters=Filters(network="no such network"))
    with pytest.raises(InvalidInput, match="unknown measure"):
        central_institutions(seeded, "fame")
    with pytest.raises(InvalidInput, match="top"):
        central_institutions(seeded, top=0)


def test_seed_communities(seeded: GraphStore) -> None:
    groups = institution_communities(seeded)
    assert [g["size"] for g in groups] == [13, 7, 2, 2]
    assert groups[0]["members"][0]["id"] == "spbpu"
    assert groups[1]["members"][0]["id"] == "iit-kharagpur"
    assert {m["id"] for m in groups[3]["members"]} == {"jitri", "tsari"}


def test_no_seed_institution_brokers_between_brics_and_wc2(seeded: GraphStore) -> None:
    # BRICS NU's members (IIT Kharagpur, India's Department of Higher Education) and WC2's
    # (SPbPU) share no member and no partner: the seed holds no broker between them.
    result = network_brokers(seeded, "BRICS Network University", "WC2 University Network")
    assert result["a"]["id"] == "brics-nu" and result["b"]["id"] == "wc2"
    assert result["rows"] == []
    with pytest.raises(InvalidInput, match="same network"):
        network_brokers(seeded, "wc2", "WC2")
    with pytest.raises(NotFound):
        network_brokers(seeded, "wc2", "no such network")


def test_seed_suggestions_have_reasons(seeded: GraphStore) -> None:
    result = partner_suggestions(seeded, "IITKGP", limit=50)
    assert result["institution"]["id"] == "iit-kharagpur"
    rows = {r["id"]: r for r in result["rows"]}
    partners = {"spmu", "mai", "misis", "innopolis", "itmo", "isro"}
    assert not partners & set(rows) and "iit-kharagpur" not in rows
    assert result["rows"][0]["id"] == "spbpu"
    assert rows["dhe-india"]["reasons"] == ["both in BRICS Network University"]
    assert any(
        "Materials (glass, paper, plastic and wood) (0722)" in r for r in rows["jitri"]["reasons"]
    )
    assert all(r["reasons"] and r["score"] > 0 for r in result["rows"])
    spmu = {r["id"]: r for r in partner_suggestions(seeded, "spmu", limit=50)["rows"]}
    assert spmu["innopolis"]["reasons"] == [
        "common partners: Indian Institute of Technology Kharagpur"
    ]
    assert len(partner_suggestions(seeded, "spmu", limit=3)["rows"]) == 3
    with pytest.raises(NotFound):
        partner_suggestions(seeded, "no such university")


def test_score_rows_on_the_seed(seeded: GraphStore) -> None:
    result = score_rows(seeded)
    assert result["institutions"] == 30 and result["with_agreements"] == 24
    assert result["communities"] == 4 and result["betweenness"] == "exact"
    rows = {r["id"]: r for r in result["rows"]}
    assert result["rows"][0]["id"] == "spbpu" and rows["spbpu"]["degree"] == 16.0
    assert rows["moe-india"] == {
        "id": "moe-india",
        "name": rows["moe-india"]["name"],
    } | dict.fromkeys(
        ["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"], 0.0
    ) | {"community": None}


@pytest.mark.neo4j
def test_both_stores_give_identical_results(
    seeded_embedded: GraphStore, seeded_neo4j: GraphStore
) -> None:
    def everything(s: GraphStore) -> dict:
        return {
            "centrality": [
                central_institutions(s, m, top=None)
                for m in ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank")
            ],
            "communities": institution_communities(s),
            "brokers": network_brokers(s, "brics-nu", "wc2"),
            "suggestions": [partner_suggestions(s, i, limit=None) for i in ("spbpu", "spmu")],
            "scores": score_rows(s),
        }

    assert everything(seeded_embedded) == everything(seeded_neo4j)


# -- writing: brokers on an extended seed, scores on the nodes -------------------------------
BRIDGE = {
    "institutions.yaml": """\
institutions:
  - id: bridge-u
    name: Bridge University
    country: FI
""",
    "agreements.yaml": """\
agreements:
  - id: bridge-iitkgp-mou
    kind: MoU
    title: Bridge University – IIT Kharagpur MoU
    parties:
      - institution: IITKGP
      - institution: bridge-u
    fields: ["0724"]
  - id: bridge-spbpu-mou
    kind: MoU
    title: Bridge University – SPbPU MoU
    parties:
      - institution: bridge-u
      - institution: SPbPU
""",
}


@pytest.fixture
def seeded_store(store: GraphStore) -> Iterator[GraphStore]:
    """The seed on a store of each kind, emptied afterwards (the shared seeded Neo4j store
    re-seeds when it sees other counts, but would not notice score properties)."""
    load_seed(store)
    yield store
    store.clear()


def test_a_broker_between_brics_and_wc2(seeded_store: GraphStore, tmp_path: Path) -> None:
    for name, text in BRIDGE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    load_paths(seeded_store, [tmp_path])
    result = network_brokers(seeded_store, "BRICS NU", "WC2")
    assert [r["id"] for r in result["rows"]] == ["bridge-u"]
    bridge = result["rows"][0]
    assert bridge["a_partners"] == ["iit-kharagpur"] and bridge["b_partners"] == ["spbpu"]
    assert bridge["connects"] == 2 and bridge["betweenness"] == 1.0
    assert bridge["reasons"] == [
        "partners in BRICS Network University: Indian Institute of Technology Kharagpur",
        "partners in WC2 University Network: Peter the Great St. Petersburg Polytechnic University",
    ]
    suggested = partner_suggestions(seeded_store, "bridge-u")["rows"][0]
    assert suggested["id"] == "spmu"
    assert suggested["reasons"] == [
        "shares fields: Mining and extraction (0724)",
        "common partners: Indian Institute of Technology Kharagpur",
    ]


def test_scores_are_written_to_the_nodes_and_survive_a_reload(seeded_store: GraphStore) -> None:
    summary = write_scores(seeded_store)
    assert summary == {
        "institutions": 30,
        "with_agreements": 24,
        "communities": 4,
        "betweenness": "exact",
    }
    assert seeded_store.run(TOP_BY_PAGERANK).rows == [["spbpu"]]
    q = (
        "MATCH (i:Institution) WHERE i.id IN ['spbpu', 'moe-india'] "
        "RETURN i.id, i.degree, i.weighted_degree, i.betweenness, i.community ORDER BY i.id"
    )
    expected = [
        ["moe-india", 0.0, 0.0, 0.0, None],
        ["spbpu", 16.0, 17.0, pytest.approx(0.4625, abs=1e-4), 0],
    ]
    assert seeded_store.run(q).rows == expected
    load_seed(seeded_store)
    assert seeded_store.run(q).rows == expected
    assert seeded_store.run(TOP_BY_PAGERANK).rows == [["spbpu"]]


# -- the command line ------------------------------------------------------------------------
runner = CliRunner()


def kb(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["analytics", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_centrality(cli_store: str) -> None:
    code, out, _ = kb(
        "centrality", "--measure", "degree", "--top", "2", "--store", cli_store, "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["method"] == "exact" and [r["id"] for r in data["rows"]] == [
        "spbpu",
        "iit-kharagpur",
    ]
    code, out, err = kb("centrality", "--top", "3", "--store", cli_store)
    assert code == 0 and "Institutions by pagerank" in out and "(spbpu)" in out and not err
    code, out, err = kb(
        "centrality",
        "--measure",
        "betweenness",
        "--sample",
        "5",
        "--seed",
        "2",
        "--store",
        cli_store,
    )
    assert code == 0 and "betweenness was estimated: sampled (k=5, seed=2)" in err
    code, out, _ = kb("centrality", "--country", "RU", "--store", cli_store, "--json")
    assert code == 0 and all(r["country"] == "RU" for r in json.loads(out)["rows"])
    code, _, err = kb("centrality", "--measure", "fame", "--store", cli_store)
    assert code == 1 and "unknown measure 'fame'" in err


def test_cli_communities_brokers_and_suggestions(cli_store: str) -> None:
    code, out, _ = kb("communities", "--store", cli_store, "--json")
    assert code == 0 and [c["size"] for c in json.loads(out)] == [13, 7, 2, 2]
    code, out, _ = kb("brokers", "BRICS NU", "WC2", "--store", cli_store)
    assert code == 0 and "No institution links members of BRICS Network University" in out
    code, out, _ = kb("brokers", "BRICS NU", "WC2", "--store", cli_store, "--json")
    assert code == 0 and json.loads(out)["rows"] == []
    code, out, _ = kb("suggest", "IITKGP", "--limit", "3", "--store", cli_store, "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and len(rows) == 3 and rows[0]["id"] == "spbpu" and rows[0]["reasons"]
    code, out, _ = kb("suggest", "spmu", "--store", cli_store)
    assert code == 0 and "common partners:" in out and "(innopolis)" in out
    code, _, err = kb("suggest", "Nowhere University", "--store", cli_store)
    assert code == 1 and "no institution named" in err


def test_cli_scores_show_then_write(cli_store: str) -> None:
    code, out, _ = kb("scores", "--top", "3", "--store", cli_store)
    assert code == 0 and "spbpu" in out and "kb analytics scores --write" in out
    code, out, _ = kb("scores", "--write", "--store", cli_store, "--json")
    assert code == 0 and json.loads(out)["institutions"] == 30
    result = runner.invoke(app, ["cypher", TOP_BY_PAGERANK, "--store", cli_store, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"i.id": "spbpu"}]


def test_every_analytics_command_has_help() -> None:
    for command in ("centrality", "communities", "brokers", "suggest", "scores"):
        code, out, _ = kb(command, "--help")
        assert code == 0 and "--store" in out and "--json" in out


# -- the HTTP API ----------------------------------------------------------------------------
KEY = "k"


def _client(store: GraphStore) -> TestClient:
    return TestClient(create_app(Settings(store="unused", api_key=KEY), store))


def test_api_centrality_and_communities(seeded: GraphStore) -> None:
    api = _client(seeded)
    body = api.get("/analytics/centrality", params={"measure": "degree", "top": 2}).json()
    assert body["method"] == "exact" and body["count"] == 24
    assert [(r["id"], r["score"]) for r in body["data"]] == [
        ("spbpu", 16.0),
        ("iit-kharagpur", 6.0),
    ]
    body = api.get("/analytics/centrality", params={"measure": "betweenness", "sample": 5}).json()
    assert body["method"] == "sampled (k=5, seed=0)"
    body = api.get("/analytics/centrality", params={"field": "Mining", "measure": "degree"}).json()
    assert {r["id"] for r in body["data"]} == {"iit-kharagpur", "spmu"}
    bad = api.get("/analytics/centrality", params={"measure": "fame"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert api.get("/analytics/centrality", params={"network": "nowhere"}).status_code == 404
    body = api.get("/analytics/communities").json()
    assert body["count"] == 4 and body["data"][0]["members"][0]["id"] == "spbpu"


def test_api_brokers_and_suggestions(seeded: GraphStore) -> None:
    api = _client(seeded)
    body = api.get("/analytics/brokers", params={"a": "BRICS NU", "b": "WC2"}).json()
    assert body["a"] == {"id": "brics-nu", "name": "BRICS Network University"}
    assert body["count"] == 0 and body["data"] == []
    assert api.get("/analytics/brokers", params={"a": "wc2", "b": "wc2"}).status_code == 422
    assert api.get("/analytics/brokers", params={"a": "wc2", "b": "nowhere"}).status_code == 404
    assert api.get("/analytics/brokers", params={"a": "wc2"}).status_code == 422
    body = api.get("/analytics/suggestions/IITKGP", params={"limit": 3}).json()
    assert body["institution"]["id"] == "iit-kharagpur" and body["count"] == 3
    assert body["data"][0]["id"] == "spbpu" and body["data"][0]["reasons"]
    assert body["data"][0]["points"]["fields"] == body["data"][0]["score"]
    assert api.get("/analytics/suggestions/nowhere-at-all").status_code == 404


def test_api_scores_need_the_key(seeded_store: GraphStore) -> None:
    api = _client(seeded_store)
    refused = api.post("/analytics/scores")
    assert refused.status_code == 401
    assert seeded_store.run(
        "MATCH (i:Institution) WHERE i.pagerank IS NOT NULL RETURN count(i)"
    ).rows == [[0]]
    written = api.post("/analytics/scores", headers={"X-API-Key": KEY})
    assert written.status_code == 200
    assert written.json() == {
        "institutions": 30,
        "with_agreements": 24,
        "communities": 4,
        "betweenness": "exact",
    }
    assert seeded_store.run(TOP_BY_PAGERANK).rows == [["spbpu"]]


def test_the_projection_without_details_has_the_same_graph_in_the_same_order(seeded):
    full = institution_graph(seeded)
    bare = institution_graph(seeded, details=False)
    assert list(bare.nodes(data=True)) == list(full.nodes(data=True))
    assert list(bare.edges(data="weight")) == list(full.edges(data="weight"))
    assert all(set(d) == {"weight"} for _, _, d in bare.edges(data=True))
    # Each edge lists its agreements once each, by id.
    assert all(
        d["weight"] == len(d["agreements"])
        and d["agreements"] == sorted(d["agreements"], key=lambda a: a["id"])
        for _, _, d in full.edges(data=True)
    )
    since = institution_graph(seeded, Filters(since=2025), details=False)
    assert 0 < since.number_of_edges() < full.number_of_edges()


def test_a_part_of_the_graph_read_by_ids_is_that_part_of_the_whole(seeded):
    whole = institution_graph(seeded)
    some = sorted(whole.nodes)[::2]
    part = institution_graph(seeded, Filters(institutions=some))
    expected = whole.subgraph(some)
    assert part.number_of_edges() > 0
    assert sorted(part.nodes) == sorted(some)
    assert sorted(part.edges(data=True)) == sorted(expected.edges(data=True))
