"""The columnar fast path for JSON Lines agreement files (loaders/bulk.py).

It must never change a result: on a clean file it gives exactly the batch of the slow path
(parse_file + build_batch), and on anything else it steps aside, so the slow path reports
the error (same file, line, field and message) and nothing is written.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, field_validator

from kb.errors import FileError
from kb.loaders import bulk
from kb.loaders.bulk_model import describe
from kb.loaders.kbfiles import build_batch, load_file, load_paths, parse_file
from kb.loaders.records import AgreementRecord
from kb.resolve import Resolver
from kb.store.base import GraphBatch
from kb.store.embedded import EmbeddedStore
from kb.synth import Spec, generate
from tests.test_loaders import snapshot, tiny_as_jsonl


def slow_batch(path: Path, resolver: Resolver) -> GraphBatch:
    return build_batch(parse_file(path), resolver)


def as_data(batch: GraphBatch) -> dict[str, Any]:
    """A batch as sorted, comparable data."""

    def key(row: dict[str, Any]) -> str:
        return json.dumps(row, sort_keys=True, default=str)

    return {
        "nodes": {k: sorted(v, key=key) for k, v in batch.nodes.items()},
        "rels": {k: sorted(v, key=key) for k, v in batch.rels.items()},
        "replace": sorted((t, s, sorted(keys)) for t, s, keys in batch.replace),
        "delete": {k: sorted(v) for k, v in batch.delete.items()},
    }


def assert_same_batch(fast: GraphBatch, slow: GraphBatch) -> None:
    assert as_data(fast) == as_data(slow)
    assert fast == slow  # the same rows in the same order, too


@pytest.fixture
def slow_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "agreements_batch", lambda path, resolver: None)


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "kb-data")
    yield s
    s.close()


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "kb"
    generate(out, Spec(institutions=300, agreements=3000, seed=5, shard_size=1000))
    return out


def base_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.glob("*.jsonl")) if not p.name.startswith("agreements")]


def normalised_tiny(folder: Path) -> Path:
    """tiny_as_jsonl, with the years YAML gives as strings written as JSON numbers (pydantic
    accepts "2015" for an int; Arrow refuses it, so the as-is file takes the slow path)."""
    tiny_as_jsonl(folder)
    path = folder / "agreements.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for rec in records:
        for key in ("signed_year", "valid_from_year"):
            if key in rec:
                rec[key] = int(rec[key])
    path.write_text("".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records))
    return folder


def test_the_fast_path_covers_the_record_model() -> None:
    assert bulk.UNSUPPORTED is None, bulk.UNSUPPORTED


def test_synth_agreements_give_the_slow_paths_batch(synth: Path, embedded: EmbeddedStore) -> None:
    load_paths(embedded, base_files(synth))
    resolver = Resolver(embedded)
    parts = sorted(synth.glob("agreements-*.jsonl"))
    assert len(parts) == 3
    for path in parts:
        fast = bulk.agreements_batch(path, resolver)
        assert fast is not None, path
        assert fast[0] == 1000
        assert_same_batch(fast[1], slow_batch(path, resolver))


def test_tiny_agreements_give_the_slow_paths_batch(tmp_path: Path, embedded: EmbeddedStore) -> None:
    folder = normalised_tiny(tmp_path / "jl")
    load_paths(embedded, [p for p in folder.glob("*.jsonl") if p.name != "agreements.jsonl"])
    resolver = Resolver(embedded)
    path = folder / "agreements.jsonl"
    fast = bulk.agreements_batch(path, resolver)
    assert fast is not None
    slow = slow_batch(path, resolver)
    assert_same_batch(fast[1], slow)
    assert "label" in slow.rels["COVERS"][0]  # names and codes of one field merge: covered
    # As tiny_as_jsonl writes it ("valid_from_year": "2015"), the file takes the slow path.
    tiny_as_jsonl(tmp_path / "as-is")
    assert bulk.agreements_batch(tmp_path / "as-is" / "agreements.jsonl", resolver) is None


@pytest.mark.parametrize("which", ["synth", "tiny"])
def test_the_store_is_the_same_either_way(
    which: str, synth: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = synth if which == "synth" else normalised_tiny(tmp_path / "jl")
    snaps = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(bulk, "agreements_batch", lambda path, resolver: None)
            with EmbeddedStore(tmp_path / f"kb-{fast}") as store:
                reports = load_paths(store, [folder])
                assert [r.kind for r in reports][-1] == "agreements"
                snaps.append(snapshot(store))
                load_paths(store, [folder])  # reloading changes nothing
                assert snapshot(store) == snaps[-1]
                snaps.append([(r.path, r.kind, r.records) for r in reports])
    assert snaps[0] == snaps[2]
    assert snaps[1] == snaps[3]


# -- bad files: the slow path's error, nothing written ----------------------------------------
def _set(key: str, value: Any) -> Any:
    return lambda rec: {**rec, key: value}


def _party(value: Any) -> Any:
    return lambda rec: {**rec, "parties": [{**rec["parties"][0], **value}, *rec["parties"][1:]]}


BAD = {
    "bad kind": _set("kind", "MoX"),
    "unknown institution": _party({"institution": "nobody-at-all"}),
    "bad date": _set("signed_on", "2026-02-30"),
    "unknown field": _set("colour", "red"),
    "unknown field in a party": _party({"colour": "red"}),
    "null status": _set("status", None),
    "bad id": _set("id", "Not An Id"),
    "empty title": _set("title", ""),
    "no parties": _set("parties", []),
    "year out of range": _set("signed_year", 999),
    "year disagrees": lambda rec: {**rec, "signed_on": "2020-05-01", "signed_year": 2021},
    "ends before it starts": lambda rec: {
        **rec,
        "valid_from": "2020-05-01",
        "valid_until": "2020-04-30",
    },
    "unknown field name": _set("fields", ["Basket Weaving Studies"]),
    "unknown source": _set("sources", ["no-such-source"]),
    "year as a float": _set("signed_year", 2020.5),
}


@pytest.fixture(scope="module")
def small_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "kb"
    generate(out, Spec(institutions=40, agreements=60, seed=11))
    return out


def _loaded(small_synth: Path, store: EmbeddedStore) -> tuple[Path, list[str]]:
    load_paths(store, base_files(small_synth))
    path = small_synth / "agreements.jsonl"
    return path, path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case", [*BAD, "duplicate id"])
def test_a_bad_line_gives_the_same_error_with_the_fast_path(
    case: str, small_synth: Path, tmp_path: Path, embedded: EmbeddedStore
) -> None:
    _, lines = _loaded(small_synth, embedded)
    before = snapshot(embedded)
    rec = json.loads(lines[6])
    bad = {**rec, "id": json.loads(lines[2])["id"]} if case == "duplicate id" else BAD[case](rec)
    lines[6] = json.dumps(bad, ensure_ascii=False)
    path = tmp_path / "agreements-0001.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    resolver = Resolver(embedded)
    assert bulk.agreements_batch(path, resolver) is None
    with pytest.raises(FileError) as fast:
        load_file(embedded, path, resolver)
    with pytest.raises(FileError) as slow:
        slow_batch(path, resolver)
    got, want = fast.value, slow.value
    assert (got.path, got.line, got.field, got.detail) == (want.path, 7, want.field, want.detail)
    assert str(got) == str(want)
    assert snapshot(embedded) == before


# -- differential: random edits, the fast path agrees or steps aside ------------------------
def _edits(names: list[str]) -> list[Any]:
    """Edits of a record (dict) or of its line (str), each valid or not."""
    values: list[Any] = [None, "", " x", 0, 2020, 2020.0, "2020", True, [], [None], {}, "null"]
    dates = ["2021-03-04", "2021-3-4", "2021-02-29", "2020-02-29", "20210304", "2021-03-04T00:00"]
    dates += ["2021-03-04T10:00:00", "0000-01-01", "9999-12-31", 1614816000]
    keys = ["kind", "title", "signed_on", "signed_year", "valid_from", "valid_from_year"]
    keys += ["valid_until", "status", "activities", "signatories", "notes", "evidence", "fields"]
    keys += ["sources", "parties", "id", "colour"]
    edits: list[Any] = [_set(k, v) for k in keys for v in values]
    edits += [_set(k, d) for k in ("signed_on", "valid_from", "valid_until") for d in dates]
    edits += [_set("signed_year", y) for y in (999, 1000, 2100, 2101, 2021, -1, 10**20)]
    edits += [_set("kind", k) for k in ("MoU", "mou", "MoU ", "grant", "GRANT", "other")]
    edits += [_set("status", s) for s in ("active", "Active", "proposed", "unknown")]
    edits += [_set("id", i) for i in ("a", "a.b-c_d", "-a", "A", "a b", "a\n", "é", "a" * 300)]
    edits += [_set("fields", f) for f in (["0724", "0724"], ["Mining", "0724"], ["zz-none"])]
    edits += [_set("fields", ["Mining Engineering", "Geophysics", "0724", " 0724 "])]
    edits += [_set("sources", ["nowhere"]), _set("title", "Title – “quoted” \u2028 null")]
    edits += [_party({"institution": n}) for n in [*names, "", " " + names[0], "nobody"]]
    edits += [_party({"role": r}) for r in (None, "", "coordinator", 3)]
    edits += [_party({"colour": "red"}), _set("parties", [None]), _set("parties", ["x"])]
    edits += [lambda rec, key=key: {k: v for k, v in rec.items() if k != key} for key in keys]
    text = [
        lambda line: line + "\n",  # a blank line follows
        lambda line: " " + line,
        lambda line: line + " ",
        lambda line: line + "\r",
        lambda line: line.replace(",", ",\t", 1),
        lambda line: line.replace(",", ",\n", 1),
        lambda line: line + " " + line,
        lambda line: line[:-1] + ', "id": "dup"}',
        lambda line: line.replace('"id"', '"\\u0069d"', 1),
        lambda line: line.replace("–", "\\u2013"),
        lambda line: line.replace('"title":"', '"title":"\\ud800', 1),
        lambda line: line.rstrip("}"),
        lambda line: "[" + line + "]",
        lambda line: "\ufeff" + line,
    ]
    return edits + [("text", t) for t in text]


def test_random_edits_take_the_fast_path_only_when_it_agrees(
    small_synth: Path, tmp_path: Path, embedded: EmbeddedStore
) -> None:
    _, lines = _loaded(small_synth, embedded)
    names = [
        json.loads(line)["name"]
        for line in (small_synth / "institutions.jsonl").read_text().splitlines()[:3]
    ]
    resolver = Resolver(embedded)
    rng = random.Random(0)
    edits = _edits(names)
    outcomes = {"fast": 0, "slow": 0, "error": 0}
    for n in range(len(edits) * 2):
        edited = list(lines[:12])
        for _ in range(1 + (n >= len(edits))):
            edit = edits[n % len(edits)] if n < len(edits) else rng.choice(edits)
            at = rng.randrange(len(edited))
            if isinstance(edit, tuple):
                edited[at] = edit[1](edited[at])
            else:
                edited[at] = json.dumps(
                    edit(json.loads(edited[at])), ensure_ascii=rng.random() < 0.5
                )
        path = tmp_path / f"agreements-{n:04d}.jsonl"
        text = "\n".join(edited) + rng.choice(["\n", ""])
        path.write_text(text, encoding="utf-8", errors="surrogatepass")  # a lone one is bad
        fast = bulk.agreements_batch(path, resolver)
        try:
            slow = slow_batch(path, resolver)
        except FileError:
            assert fast is None, path.read_bytes()
            outcomes["error"] += 1
            continue
        if fast is None:
            outcomes["slow"] += 1
        else:
            assert_same_batch(fast[1], slow)
            outcomes["fast"] += 1
    assert min(outcomes.values()) >= 10, outcomes


def test_a_record_model_the_fast_path_cannot_check_turns_it_off() -> None:
    class Stricter(AgreementRecord):
        @field_validator("title")
        @classmethod
        def _title(cls, value: str) -> str:
            return value

    class Wider(AgreementRecord):
        budget: float | None = None

    class Aliased(AgreementRecord):
        note: str | None = Field(None, alias="remark")

    class Bounded(AgreementRecord):
        fields: list[str] = Field(default_factory=list, json_schema_extra={"x": 1}, max_length=3)
        stamp: date | None = Field(None, gt=date(2000, 1, 1))

    assert describe(AgreementRecord)[1] is None
    for model in (Stricter, Wider, Aliased, Bounded):
        columns, why = describe(model)
        assert columns == [] and why, model


def test_a_bad_part_stops_the_load_after_the_parts_before_it(
    synth: Path, tmp_path: Path, embedded: EmbeddedStore
) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(synth, folder)
    part = folder / "agreements-0002.jsonl"
    lines = part.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace('"kind":"', '"kind":"not ', 1)
    part.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FileError) as caught:
        load_paths(embedded, [folder])  # the parts after it are read ahead, then dropped
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(part), 41, "kind")
    assert embedded.counts()["Agreement"] == 1000
