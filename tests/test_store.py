"""The store interface, on every store: atomic batches, read-only runs, limits."""

from __future__ import annotations

from datetime import date

import pytest

from kb.errors import KBError, QueryTimeout
from kb.schema import check_identifier
from kb.store import GraphBatch, GraphStore, open_store
from kb.store.embedded import EmbeddedStore

PARTIES = (
    "MATCH (i:Institution)-[p:PARTY_TO]->(a:Agreement) RETURN i.id AS inst, i.aliases AS al, "
    "i.founded_year AS y, p.role AS r, a.signed_on AS d ORDER BY inst"
)


def _batch() -> GraphBatch:
    b = GraphBatch()
    b.add_node("Country", {"iso2": "FI", "name": "Finland"})
    b.add_node(
        "Institution", {"id": "u1", "name": "U One", "aliases": ["U1"], "founded_year": None}
    )
    b.add_node("Institution", {"id": "u2", "name": "U Two", "aliases": [], "founded_year": 1900})
    b.add_node(
        "Agreement", {"id": "a1", "kind": "MoU", "title": "A", "signed_on": date(2020, 5, 1)}
    )
    b.add_rel("LOCATED_IN", "u1", "FI")
    b.add_rel("PARTY_TO", "u1", "a1", role="party")
    b.add_rel("PARTY_TO", "u2", "a1", role="party")
    return b


def test_a_batch_writes_and_rewriting_it_changes_nothing(store: GraphStore):
    store.write_batch(_batch())
    first = store.counts()
    snapshot = store.run(PARTIES).rows
    assert snapshot == [
        ["u1", ["U1"], None, "party", date(2020, 5, 1)],
        ["u2", [], 1900, "party", date(2020, 5, 1)],
    ]
    stats = store.write_batch(_batch())
    assert stats.nodes_created == 0
    assert store.counts() == first
    assert store.run(PARTIES).rows == snapshot


def test_a_batch_that_fails_part_way_writes_nothing(store: GraphStore):
    store.write_batch(_batch())
    before = store.counts()
    bad = GraphBatch()
    bad.add_node("Institution", {"id": "u3", "name": "U Three"})
    bad.add_rel("LOCATED_IN", "u3", "FI")
    bad.add_rel("LOCATED_IN", "u3", "ZZ")  # no such country: the batch must roll back
    with pytest.raises(KBError):
        store.write_batch(bad)
    assert store.counts() == before
    assert store.run("MATCH (i:Institution {id: 'u3'}) RETURN count(i) AS n").rows == [[0]]


def test_replace_drops_relationships_a_file_no_longer_has(store: GraphStore):
    store.write_batch(_batch())
    edit = GraphBatch(replace=[("PARTY_TO", "to", ["a1"])])
    edit.add_rel("PARTY_TO", "u1", "a1", role="party")
    store.write_batch(edit)
    assert store.run("MATCH (i)-[:PARTY_TO]->(a:Agreement) RETURN i.id AS i").rows == [["u1"]]


@pytest.mark.parametrize(
    "write",
    [
        "CREATE (:Country {iso2: 'XX', name: 'X'})",
        "MERGE (:Country {iso2: 'XX', name: 'X'})",
        "MATCH (c:Country {iso2: 'FI'}) SET c.name = 'Suomi'",
        "MATCH (c:Country {iso2: 'FI'}) DETACH DELETE c",
    ],
)
def test_read_only_runs_refuse_writes_and_change_nothing(store: GraphStore, write: str):
    store.write_batch(_batch())
    before = store.counts()
    with pytest.raises(KBError):
        store.run(write, read_only=True)
    assert store.counts() == before
    assert store.run("MATCH (c:Country {iso2: 'FI'}) RETURN c.name AS n").rows == [["Finland"]]


def test_row_cap_reports_truncation(store: GraphStore):
    store.write_batch(_batch())
    res = store.run("MATCH (i:Institution) RETURN i.id AS id ORDER BY id", max_rows=1)
    assert res.rows == [["u1"]] and res.truncated
    res = store.run("MATCH (i:Institution) RETURN i.id AS id ORDER BY id", max_rows=2)
    assert len(res.rows) == 2 and not res.truncated


def test_a_slow_query_is_stopped_at_its_time_limit(store: GraphStore):
    slow = "UNWIND range(1, 200000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"
    with pytest.raises(QueryTimeout):
        store.run(slow, read_only=True, timeout_s=0.5)
    assert store.run("RETURN 1 AS one").rows == [[1]]  # the store still answers


def test_identifiers_outside_the_schema_never_reach_query_text():
    assert check_identifier("Institution") == "Institution"
    for bad in ("Institution) DETACH DELETE (n", "Foo", "name`", ""):
        with pytest.raises(ValueError):
            check_identifier(bad)


def test_open_store_reads_uris(tmp_path):
    s = open_store(f"embedded://{tmp_path / 'a'}")
    assert isinstance(s, EmbeddedStore) and s.path == tmp_path / "a"
    s.close()
    s = open_store(str(tmp_path / "b"))
    assert isinstance(s, EmbeddedStore)
    s.close()
    s = open_store(f"embedded:{tmp_path / 'c'}")  # one colon: the path, not a folder "embedded:"
    assert s.path == tmp_path / "c"
    s.close()
    with pytest.raises(KBError, match="unknown store URI"):
        open_store("sqlite:///x")
