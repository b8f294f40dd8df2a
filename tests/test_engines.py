"""The fast engines against NetworkX: the same values, normalised alike, on graphs shaped as kb's
institution graphs (string ids, agreement counts as weights, isolated institutions); the error
when an engine is not installed; and `--engine` on the command line."""

from __future__ import annotations

import doctest
import json
import random
import sys

import networkx as nx
import pytest
from scipy.stats import spearmanr
from typer.testing import CliRunner

from kb.analytics import engines
from kb.analytics.centrality import central_institutions, centrality
from kb.analytics.scores import institution_scores
from kb.cli.main import app
from kb.errors import InvalidInput

FAST = engines.FAST_ENGINES


def test_docstring_examples_run() -> None:
    result = doctest.testmod(engines, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# -- graphs ----------------------------------------------------------------------------------
def _institutions(g: nx.Graph, seed: int = 0, isolated: int = 0) -> nx.Graph:
    """`g` as kb projects institutions: string ids, built in no particular order, ``weight``
    the number of agreements of each pair (mostly 1, a few many), some without any."""
    rng = random.Random(seed)
    names = {n: f"inst-{rng.randrange(10**6):06d}-{n}" for n in g}
    edges = [(names[u], names[v]) for u, v in g.edges()]
    rng.shuffle(edges)
    h = nx.Graph()
    for u, v in edges:
        h.add_edge(u, v, weight=rng.choice([1, 1, 1, 1, 2, 2, 3, 5, 8]))
    h.add_nodes_from(f"lonely-{i}" for i in range(isolated))
    return h


SMALL = {
    "karate": lambda: _institutions(nx.karate_club_graph()),
    "les-miserables": lambda: _institutions(nx.les_miserables_graph(), seed=1),
    "sparse-with-isolated": lambda: _institutions(
        nx.gnp_random_graph(80, 0.04, seed=3), seed=2, isolated=3
    ),
    "scale-free": lambda: _institutions(nx.powerlaw_cluster_graph(250, 3, 0.2, seed=1), seed=3),
    "star": lambda: nx.star_graph(6),
    "one-edge": lambda: nx.Graph([("a", "b")]),
    "one-node": lambda: nx.empty_graph(["only"]),
    "empty": nx.Graph,
}


def _far(a: dict, b: dict) -> float:
    assert a.keys() == b.keys()
    return max((abs(a[n] - b[n]) for n in a), default=0.0)


# -- betweenness -----------------------------------------------------------------------------
@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("name", SMALL)
def test_exact_betweenness_equals_networkx(engine: str, name: str) -> None:
    g = SMALL[name]()
    expected = nx.betweenness_centrality(g)  # what kb computes: unweighted, normalised
    assert _far(engines.betweenness(g, engine=engine), expected) < 1e-9
    # weights are ignored, however the graph was copied
    assert _far(engines.betweenness(engines.convert(g, engine), engine=engine), expected) < 1e-9
    assert _far(centrality(g, "betweenness", engine=engine).values, expected) < 1e-9


@pytest.mark.parametrize("name", ["karate", "les-miserables", "scale-free"])
def test_igraph_samples_as_networkx_does(name: str) -> None:
    g = SMALL[name]()
    for k, seed in [(1, 0), (5, 3), (20, 7)]:
        expected = nx.betweenness_centrality(g, k=k, seed=seed)
        got = engines.betweenness(g, engine="igraph", k=k, seed=seed)
        assert _far(got, expected) < 1e-12 or k == 1  # k=1: NaN at the source, as NetworkX
        assert sum(v != v for v in got.values()) == sum(v != v for v in expected.values())
    sampled = centrality(g, "betweenness", sample=20, seed=7)
    same = centrality(g, "betweenness", sample=20, seed=7, engine="igraph")
    assert same.method == sampled.method and _far(same.values, sampled.values) < 1e-12


def test_networkit_estimate_is_unbiased_on_a_cycle() -> None:
    # On a cycle every source sees the same paths, so an unbiased estimator's total is exact
    # for any sample; NetworKit 11.2's EstimateBetweenness alone is off by (k+1)/k.
    g = nx.cycle_graph(101)
    exact = sum(nx.betweenness_centrality(g).values())
    for k in (2, 10, 50):
        total = sum(engines.betweenness(g, engine="networkit", k=k, seed=1).values())
        assert total == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("engine", FAST)  # NetworkX samples as igraph does (above)
def test_sampled_betweenness_ranks_as_exact_on_a_scale_free_graph(engine: str) -> None:
    g = _institutions(nx.barabasi_albert_graph(2_000, 2, seed=1))
    exact = engines.betweenness(g, engine="igraph")  # equal to NetworkX's (above), 30x faster
    sampled = centrality(g, "betweenness", engine=engine)  # 2,000 nodes: exact
    assert sampled.method == "exact"
    sampled = centrality(g, "betweenness", engine=engine, sample=500, seed=0)
    assert sampled.method.startswith("sampled (k=500, seed=0")
    nodes = list(g)
    rho = spearmanr([exact[n] for n in nodes], [sampled.values[n] for n in nodes]).statistic
    assert rho > 0.9
    assert sum(sampled.values.values()) == pytest.approx(sum(exact.values()), rel=0.05)
    again = centrality(g, "betweenness", engine=engine, sample=500, seed=0)
    assert again == sampled  # the seed fixes the sample


def test_networkit_says_its_sample_is_another_estimator() -> None:
    g = _institutions(nx.barabasi_albert_graph(60, 2, seed=1))
    assert centrality(g, "betweenness", sample=10, engine="igraph").method == (
        "sampled (k=10, seed=0)"
    )
    assert centrality(g, "betweenness", sample=10, engine="networkit").method == (
        "sampled (k=10, seed=0, NetworKit's estimator)"
    )


# -- PageRank --------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("weight", ["weight", None])
def test_pagerank_equals_networkx(engine: str, name: str, weight: str | None) -> None:
    g = SMALL[name]()
    got = engines.pagerank(g, engine=engine, weight=weight)
    solved = nx.pagerank(g, weight=weight, tol=1e-13, max_iter=10_000) if g else {}
    assert _far(got, solved) < 1e-6  # in fact ~1e-10
    assert sum(got.values()) == pytest.approx(1.0 if g else 0.0, abs=1e-9)
    # kb's NetworkX run stops at its own tolerance, n·1e-6 in all: about 2e-5 off at most
    assert _far(got, engines.pagerank(g, weight=weight)) < 1e-4
    rounded = centrality(g, "pagerank", engine=engine).values
    assert _far(rounded, centrality(g, "pagerank").values) < 1e-4


@pytest.mark.parametrize("engine", FAST)
def test_a_graph_copied_once_serves_every_measure(engine: str) -> None:
    g = SMALL["sparse-with-isolated"]()
    c = engines.convert(g, engine)
    assert _far(engines.pagerank(c, engine=engine), engines.pagerank(g, engine=engine)) == 0
    unweighted = engines.pagerank(g, engine=engine, weight=None)
    assert _far(engines.pagerank(c, engine=engine, weight=None), unweighted) < 1e-12
    assert engines.louvain(c, engine=engine) == engines.louvain(g, engine=engine)
    with pytest.raises(InvalidInput, match="copied with weight='weight', not 'w'"):
        engines.pagerank(c, engine=engine, weight="w")
    other = "networkit" if engine == "igraph" else "igraph"
    with pytest.raises(InvalidInput, match=f"copied into {engine}, not {other}"):
        engines.pagerank(c, engine=other)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="copied into"):
        engines.betweenness(c)


def test_a_copy_does_not_depend_on_the_order_the_graph_was_built_in() -> None:
    g = SMALL["scale-free"]()
    h = nx.Graph()
    h.add_nodes_from(sorted(g, reverse=True))
    h.add_edges_from(reversed(list(g.edges(data=True))))
    for engine in FAST:
        a, b = engines.convert(g, engine), engines.convert(h, engine)
        assert a.nodes == b.nodes == sorted(g)
    a, b = engines.convert(g, "igraph"), engines.convert(h, "igraph")
    assert a.graph.get_edgelist() == b.graph.get_edgelist()
    assert a.graph.es["weight"] == b.graph.es["weight"]
    for engine in FAST:
        assert engines.louvain(g, engine=engine, seed=3) == engines.louvain(
            h, engine=engine, seed=3
        )


def test_convert_refuses_what_it_cannot_copy() -> None:
    with pytest.raises(InvalidInput, match="undirected simple graph"):
        engines.convert(nx.DiGraph([(1, 2)]), "igraph")
    with pytest.raises(InvalidInput, match="copies into igraph or networkit"):
        engines.convert(nx.Graph(), "networkx")


# -- Louvain ---------------------------------------------------------------------------------
def _modularity(g: nx.Graph, labels: dict) -> float:
    groups: dict[int, set] = {}
    for n, c in labels.items():
        groups.setdefault(c, set()).add(n)
    return nx.community.modularity(g, list(groups.values()), weight="weight")


@pytest.mark.parametrize("engine", FAST)
def test_louvain_finds_partitions_as_good_as_networkx(engine: str) -> None:
    # eight planted groups of 60, loosely separated: there is room for the engines to differ
    g = _institutions(nx.planted_partition_graph(8, 60, 0.12, 0.015, seed=3), seed=4)
    reference = _modularity(g, engines.louvain(g, seed=0))
    for seed in (0, 1):
        labels = engines.louvain(g, engine=engine, seed=seed)
        assert labels.keys() == set(g)
        assert _modularity(g, labels) == pytest.approx(reference, rel=0.03)
        sizes = [sum(1 for c in labels.values() if c == i) for i in range(max(labels.values()) + 1)]
        assert sizes == sorted(sizes, reverse=True)  # numbered by size, as NetworkX's
        assert engines.louvain(g, engine=engine, seed=seed) == labels  # a seed, one answer


@pytest.mark.parametrize("engine", FAST)
def test_louvain_on_clear_communities_agrees_with_networkx(engine: str) -> None:
    g = _institutions(nx.planted_partition_graph(6, 30, 0.5, 0.005, seed=1), seed=2, isolated=2)
    assert engines.louvain(g, engine=engine, seed=5) == engines.louvain(g, seed=5)
    assert engines.louvain(nx.Graph(), engine=engine) == {}


@pytest.mark.parametrize("engine", FAST)
def test_scores_on_a_fast_engine(engine: str) -> None:
    g = SMALL["karate"]()
    slow, fast = institution_scores(g), institution_scores(g, engine=engine)
    assert slow.betweenness == fast.betweenness == "exact"
    for n in g:
        assert fast.values[n]["betweenness"] == pytest.approx(slow.values[n]["betweenness"])
        assert fast.values[n]["pagerank"] == pytest.approx(slow.values[n]["pagerank"], abs=1e-4)
        assert fast.values[n]["degree"] == slow.values[n]["degree"]


# -- a missing engine ------------------------------------------------------------------------
@pytest.mark.parametrize("engine", FAST)
def test_a_missing_engine_says_how_to_install_it(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, engine, None)  # `import engine` now raises ImportError
    g = SMALL["karate"]()
    for call in (
        lambda: engines.betweenness(g, engine=engine),
        lambda: engines.pagerank(g, engine=engine),
        lambda: engines.louvain(g, engine=engine),
        lambda: engines.check_engine(engine),
        lambda: centrality(g, "betweenness", engine=engine),
    ):
        with pytest.raises(
            InvalidInput, match=rf"the {engine} engine needs .*pip install {engine}"
        ):
            call()
    assert engines.betweenness(g) == nx.betweenness_centrality(g)  # NetworkX still works


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown engine 'graphtool'"):
        engines.betweenness(nx.path_graph(3), engine="graphtool")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown engine"):
        centrality(nx.path_graph(3), "degree", engine="graphtool")  # type: ignore[arg-type]


# -- the command line ------------------------------------------------------------------------
runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, ["analytics", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("engine", FAST)
def test_cli_centrality_engine(cli_store: str, engine: str) -> None:
    for measure in ("betweenness", "pagerank", "degree"):
        base = ["centrality", "--measure", measure, "--top", "5", "--store", cli_store]
        slow, fast = _json(*base), _json(*base, "--engine", engine)
        assert [r["id"] for r in fast["rows"]] == [r["id"] for r in slow["rows"]], measure
        for a, b in zip(fast["rows"], slow["rows"], strict=True):
            assert a["score"] == pytest.approx(b["score"], abs=1e-4)
        assert fast["method"] == slow["method"] == "exact"
    result = runner.invoke(
        app, ["analytics", "centrality", "--measure", "betweenness", "--sample", "5",
              "--engine", engine, "--store", cli_store],
    )  # fmt: skip
    assert result.exit_code == 0 and "betweenness was estimated: sampled (k=5" in result.stderr


def test_cli_scores_engine(cli_store: str) -> None:
    slow = _json("scores", "--store", cli_store)
    fast = _json("scores", "--engine", "igraph", "--store", cli_store)
    assert fast["institutions"] == slow["institutions"]
    assert fast["betweenness"] == slow["betweenness"]
    assert [r["id"] for r in fast["rows"][:3]] == [r["id"] for r in slow["rows"][:3]]


def test_cli_refuses_a_missing_or_unknown_engine(
    cli_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "networkit", None)
    result = runner.invoke(
        app, ["analytics", "centrality", "--engine", "networkit", "--store", cli_store]
    )
    assert result.exit_code == 1
    assert (
        "error: the networkit engine needs the networkit package: pip install networkit "
        '(kb\'s extra "fast" installs it) or use the networkx engine.'
    ) in result.stderr
    result = runner.invoke(
        app, ["analytics", "centrality", "--engine", "graphtool", "--store", cli_store]
    )
    assert result.exit_code == 1 and "unknown engine 'graphtool'" in result.stderr
    result = runner.invoke(app, ["analytics", "centrality", "--help"])
    assert "--engine" in result.stdout


def test_central_institutions_checks_the_engine_before_reading_the_store() -> None:
    with pytest.raises(InvalidInput, match="unknown engine"):
        central_institutions(None, "degree", engine="graphtool")  # type: ignore[arg-type]
