"""`kb export` and `kb import` move a knowledge base between stores without losing a fact."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kb.errors import FileError
from kb.loaders.seed import load_seed
from kb.store.embedded import EmbeddedStore
from kb.transfer import export_graph, import_graph


def test_round_trip_through_every_store_keeps_every_fact(seeded_embedded, store, tmp_path: Path):
    first = tmp_path / "first.jsonl.gz"
    export_graph(seeded_embedded, first)
    import_graph(store, first)  # embedded -> this store (embedded or Neo4j)
    assert store.counts() == seeded_embedded.counts()
    second = tmp_path / "second.jsonl.gz"
    export_graph(store, second)
    back = EmbeddedStore(tmp_path / "back")  # ... and back to a fresh embedded store
    import_graph(back, second)
    third = tmp_path / "third.jsonl.gz"
    export_graph(back, third)
    back.close()
    texts = [gzip.decompress(p.read_bytes()).decode("utf-8") for p in (first, second, third)]
    assert texts[0] == texts[1] == texts[2]
    assert '"signed_on": "2026-02-17"' in texts[0]


def test_importing_twice_changes_nothing(store, tmp_path: Path):
    source = EmbeddedStore(tmp_path / "src")
    load_seed(source)
    path = tmp_path / "kb.jsonl"
    export_graph(source, path)
    source.close()
    import_graph(store, path)
    counts = store.counts()
    import_graph(store, path)
    assert store.counts() == counts


def test_a_damaged_export_file_names_its_line_and_writes_nothing(tmp_path: Path):
    path = tmp_path / "broken.jsonl"
    path.write_text(
        '{"format": "kb-graph", "version": 1}\n'
        '{"node": "Country", "props": {"iso2": "FI", "name": "Finland"}}\n'
        '{"node": "Agreement", "props": {"id": "a", "kind": "MoU", "title": "A", '
        '"signed_on": "17/02/2026"}}\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "db")
    with pytest.raises(FileError) as err:
        import_graph(store, path)
    assert err.value.line == 3 and err.value.field == "signed_on"
    assert store.run("MATCH (c:Country) RETURN count(c) AS n").rows == [[0]]
    store.close()
