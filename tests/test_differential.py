"""Every named query gives the same answer on the embedded store and on Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.loaders.kbfiles import load_paths
from kb.loaders.seed import load_seed
from kb.queries.registry import registry
from kb.queries.runner import run_named
from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore
from tests.conftest import FIXTURES, _neo4j_store

pytestmark = pytest.mark.neo4j

CASES: list[tuple[str, dict[str, str]]] = [
    ("partners-sharing-field", {"institution": "IITKGP", "field": "Mining"}),
    ("partners-sharing-field", {"institution": "SPbPU", "field": "07"}),
    ("shared-fields", {"a": "IITKGP", "b": "SPMU"}),
    ("shared-fields", {"a": "SPbPU", "b": "Tsinghua University"}),
    ("common-partners", {"a": "JITRI", "b": "TSARI"}),
    ("common-partners", {"a": "Tsinghua University", "b": "Leibniz Universität Hannover"}),
    ("partners-by-country", {"institution": "SPbPU"}),
    ("partners-by-country", {"institution": "IIT Kharagpur"}),
    ("network-members", {"network": "BRICS NU"}),
    ("network-members", {"network": "BRICS NU", "field": "Water Resources"}),
    ("network-members", {"network": "WC2 University Network", "field": "Law"}),
    ("agreements", {}),
    ("agreements", {"institution": "SPbPU", "status": "active"}),
    ("agreements", {"signed_after": "2020-01-01", "signed_before": "2026-12-31"}),
    ("expiring-agreements", {"within_days": "365", "as_of": "2026-06-01"}),
    ("expiring-agreements", {"within_days": "1000", "as_of": "2026-06-01"}),
    ("expiring-agreements", {"within_days": "1000", "as_of": "2026-06-01", "limit": "1"}),
    ("expiring-agreements", {"within_days": "1000", "as_of": "2026-06-01", "offset": "1"}),
    ("agreements", {"limit": "3", "offset": "4"}),
    ("agreements", {"institution": "SPbPU", "limit": "2"}),
    ("connection-path", {"a": "Leibniz Universität Hannover", "b": "Tsinghua University"}),
    ("connection-path", {"a": "IITKGP", "b": "MISIS"}),
    ("connection-path", {"a": "IITKGP", "b": "Tsinghua University"}),
]

# Lists whose order is part of the answer; every other list is compared as a set, since
# neither store promises an order for collect().
ORDERED = {("connection-path", "path"), ("connection-path", "kinds"), ("connection-path", "ids")}


def canonical(name: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            k: sorted(v, key=repr) if isinstance(v, list) and (name, k) not in ORDERED else v
            for k, v in r.items()
        }
        for r in records
    ]


def _load(store: GraphStore) -> GraphStore:
    load_seed(store)
    load_paths(store, [FIXTURES / "expiring.yaml"])
    return store


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, neo4j
) -> Iterator[tuple[GraphStore, GraphStore]]:
    embedded = _load(EmbeddedStore(Path(tmp_path_factory.mktemp("diff")) / "kb-data"))
    graph = _load(_neo4j_store(neo4j))
    yield embedded, graph
    embedded.close()
    graph.clear()  # leave nothing that the seeded fixture would mistake for its data
    graph.close()


def test_the_cases_cover_every_named_query():
    assert {name for name, _ in CASES} == set(registry().names())


def test_both_stores_hold_the_same_graph(both):
    embedded, graph = both
    assert embedded.counts() == graph.counts()


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_same_answer_on_both_stores(both, name, params):
    embedded, graph = both
    a = run_named(embedded, name, params)
    b = run_named(graph, name, params)
    assert a.result.columns == b.result.columns
    assert canonical(name, a.records()) == canonical(name, b.records())


def test_the_cases_are_not_all_empty(both):
    embedded, _ = both
    answered = {name for name, p in CASES if run_named(embedded, name, p).result.rows}
    assert answered == set(registry().names())
