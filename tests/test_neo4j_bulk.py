"""Bulk writes of agreement-shaped batches, on every store: reloads and edits with `replace`.

The Neo4j store writes a batch with pipelined UNWIND statements, CREATEs the relationships of
nodes the batch creates and MERGEs the rest (kb/store/neo4j/write.py); these tests pin what must
stay true whatever the path: a reload leaves exactly the batch's relationships, once each.
The `store` fixture's Neo4j store writes 50 rows per statement, so 120 agreements cross many
statement and group boundaries.
"""

from __future__ import annotations

from datetime import date

import pytest

from kb.errors import KBError
from kb.store import GraphBatch, GraphStore

N = 120
INSTITUTIONS = [f"u{i}" for i in range(30)]
FIELDS = ["0011", "0521", "0724", "0732"]

# type -> (endpoint keys, the properties compared)
RELS = {
    "PARTY_TO": ("a.id", "b.id", ["role"]),
    "COVERS": ("a.id", "b.code", ["label"]),
    "REPORTED_IN": ("a.id", "b.id", []),
}


def _setup() -> GraphBatch:
    b = GraphBatch()
    for code in FIELDS:
        b.add_node("Discipline", {"code": code, "name": f"Field {code}", "level": "detailed"})
    for key in INSTITUTIONS:
        b.add_node("Institution", {"id": key, "name": key.upper()})
    b.add_node("Network", {"id": "net", "name": "Net"})
    for s in ("s1", "s2"):
        b.add_node("Source", {"id": s, "title": s})
    return b


def _agreements(edit: bool = False) -> GraphBatch:
    """What loaders/kbfiles.py makes of an agreements file; ``edit`` changes some parties,
    field labels and sources, as an edited file would."""
    b = GraphBatch()
    ids = [f"a{i:03d}" for i in range(N)]
    for i, key in enumerate(ids):
        b.add_node(
            "Agreement",
            {
                "id": key,
                "kind": "MoU",
                "title": f"Agreement {i}" + (" (edited)" if edit and i % 5 == 0 else ""),
                "signed_on": date(2020, 1, 1 + i % 28),
                "signed_year": 2020,
                "valid_until": None,
                "activities": ["exchange"],
            },
        )
        parties = [INSTITUTIONS[i % 30], INSTITUTIONS[(i * 7 + 1) % 30]]
        if edit and i % 3 == 0:
            parties = [INSTITUTIONS[(i + 11) % 30], parties[0]]
        for j, party in enumerate(parties):
            b.add_rel("PARTY_TO", party, key, role="lead" if j == 0 else None)
        for code in FIELDS[: 1 + i % 4]:
            label = f"{code} renamed" if edit and i % 4 == 1 else code
            b.add_rel("COVERS", key, code, label=label)
        if not (edit and i % 10 == 0):
            b.add_rel("REPORTED_IN", key, "s2" if edit and i % 2 else "s1")
    b.replace += [("PARTY_TO", "to", ids), ("COVERS", "from", ids), ("REPORTED_IN", "from", ids)]
    return b


def _expected(batch: GraphBatch) -> list[tuple]:
    return sorted(
        (t, r["from"], r["to"], *(r.get(p) for p in RELS[t][2]))
        for t, rows in batch.rels.items()
        for r in rows
    )


def _written(store: GraphStore) -> list[tuple]:
    out = []
    for t, (f, to, props) in RELS.items():
        columns = ", ".join([f, to, *(f"r.{p}" for p in props)])
        out += [(t, *row) for row in store.run(f"MATCH (a)-[r:{t}]->(b) RETURN {columns}").rows]
    return sorted(out)


def test_reloading_a_batch_with_replace_leaves_exactly_its_relationships(store: GraphStore):
    store.write_batch(_setup())
    first = store.write_batch(_agreements())
    assert first.nodes_created == N
    assert _written(store) == _expected(_agreements())
    counts = store.counts()

    again = store.write_batch(_agreements())
    assert (again.nodes_created, again.nodes_updated) == (0, N)
    assert store.counts() == counts
    assert _written(store) == _expected(_agreements())  # once each: no duplicates

    store.write_batch(_agreements(edit=True))
    assert _written(store) == _expected(_agreements(edit=True))
    assert store.run("MATCH (a:Agreement {id: 'a005'}) RETURN a.title").rows == [
        ["Agreement 5 (edited)"]
    ]
    store.write_batch(_agreements())  # and back
    assert _written(store) == _expected(_agreements())
    assert store.counts() == counts


def test_replace_also_removes_parallel_duplicates(store: GraphStore):
    store.write_batch(_setup())
    store.write_batch(_agreements())
    store.run(
        "MATCH (i:Institution {id: 'u0'}), (a:Agreement {id: 'a000'}) "
        "CREATE (i)-[:PARTY_TO {role: 'copy'}]->(a)"
    )
    store.write_batch(_agreements())
    assert _written(store) == _expected(_agreements())


def test_relationships_without_replace_are_merged_and_keep_their_dates(store: GraphStore):
    store.write_batch(_setup())
    b = GraphBatch()
    b.add_node("Institution", {"id": "new", "name": "New"})  # created: its rels are CREATEd
    for key in ["new", *INSTITUTIONS]:
        b.add_rel("MEMBER_OF", key, "net", role="member", since=date(2019, 5, 1), sources=["s1"])
    store.write_batch(b)
    store.write_batch(b)
    rows = store.run(
        "MATCH (i)-[m:MEMBER_OF]->(:Network) RETURN count(m), min(m.since), max(m.since)"
    ).rows
    assert rows == [[len(INSTITUTIONS) + 1, date(2019, 5, 1), date(2019, 5, 1)]]


def test_rows_of_one_label_may_carry_different_properties(store: GraphStore):
    store.write_batch(_setup())
    b = GraphBatch()
    b.add_node("Institution", {"id": "u1", "name": "U1 renamed"})
    b.add_node("Institution", {"id": "u2", "name": "U2", "founded_year": 1900})
    b.add_node("Institution", {"id": "u2", "name": "U2", "founded_year": 1901})  # last one wins
    b.add_node("Institution", {"id": "u3", "founded_year": None})
    store.write_batch(b)
    rows = store.run(
        "MATCH (i:Institution) WHERE i.id IN ['u1', 'u2', 'u3'] "
        "RETURN i.id, i.name, i.founded_year ORDER BY i.id"
    ).rows
    assert rows == [["u1", "U1 renamed", None], ["u2", "U2", 1901], ["u3", "U3", None]]


def test_a_missing_endpoint_deep_in_a_batch_names_it_and_writes_nothing(store: GraphStore):
    store.write_batch(_setup())
    before = store.counts()
    bad = _agreements()
    bad.rels["COVERS"][97]["to"] = "9999"
    with pytest.raises(KBError, match="9999"):
        store.write_batch(bad)
    assert store.counts() == before


def _error(code: str) -> Exception:
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code=code, message=f"{code} from the test")


@pytest.mark.neo4j
def test_neo4j_retries_a_transient_error_but_not_running_out_of_memory(neo4j, monkeypatch):
    from kb.store.neo4j import write
    from tests.conftest import _neo4j_store

    store = _neo4j_store(neo4j)
    real = write.BatchWriter.write
    failures: list[Exception] = []
    calls = []

    def flaky(self, batch):
        calls.append(1)
        if failures:
            raise failures.pop()
        return real(self, batch)

    monkeypatch.setattr(write.BatchWriter, "write", flaky)
    try:
        store.write_batch(_setup())
        failures.append(_error("Neo.TransientError.Transaction.DeadlockDetected"))
        calls.clear()
        stats = store.write_batch(_agreements())
        assert len(calls) == 2 and stats.nodes_created == N

        # A batch too big for the server's transaction memory fails at once, saying what to do.
        failures.append(_error("Neo.TransientError.General.MemoryPoolOutOfMemoryError"))
        calls.clear()
        with pytest.raises(KBError, match="KB_NEO4J_HEAP"):
            store.write_batch(_agreements(edit=True))
        assert len(calls) == 1
        assert _written(store) == _expected(_agreements())
    finally:
        store.close()
