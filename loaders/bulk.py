"""The fast path for big JSON Lines agreement files: Arrow columns instead of a pydantic object
per line, for the same GraphBatch.

`load_file` tries this first for a JSON Lines file of agreements. It reads the file with
`pyarrow.json` against a schema derived from the record model, checks every rule of that
model on whole columns, resolves each distinct reference once, and builds the batch from
columns. If anything is not plainly clean — a rule fails, a reference does not resolve, the
file has a blank line, a stray CR, a bad null or any other oddity — it
returns None and the caller takes the slow path (`parse_file` + `build_batch`), which then
reports the exact error with its file, line and field. So errors are the slow path's by
construction, and the fast path only has to agree with it on clean files.

Why a clean file reads the same both ways:

- pyarrow's reader is stricter than pydantic's lax mode (a number for a string, 2020.0 for an
  int, a duplicate key, an unknown field at any depth, a bad surrogate: all are errors), so it
  never coerces what pydantic would refuse.
- Each line starts with `{` and ends with `}`, the reader refuses raw control characters in
  strings, and it finds exactly one row per line: so each line is one record.
- An absent field reads as null, as does an explicit `null`, which pydantic refuses for a
  field with a non-None default (`"status": null`). Lines that hold the text `null` are
  therefore validated by pydantic itself (there are few; any failure falls back).
- The rules come from the model: required fields, enum values, id pattern, lengths and
  ranges from the field metadata; enums and dates are checked by pydantic on each distinct
  value (loaders/bulk_model.py). Only the model validator (AgreementRecord._dates) is
  repeated here; a model with other validators, or a field of another shape, turns the fast
  path off (bulk_model.UNSUPPORTED says why, and a test fails).
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
from pydantic import ValidationError

from kb import model as m
from kb.errors import KBError
from kb.loaders.bulk_model import FIELDS, KIND, RECORD, SCHEMA, UNSUPPORTED, Column
from kb.loaders.jsonlines import is_jsonl, kind_of
from kb.resolve import Resolver
from kb.store.base import GraphBatch

__all__ = ["KIND", "UNSUPPORTED", "Prepared", "agreements_batch", "build", "read", "resolve"]
__all__ += ["reading_ahead"]

_PARSE = pj.ParseOptions(explicit_schema=SCHEMA, unexpected_field_behavior="error")
# Which references each list column holds (for a list of records, the field holding one).
_REFS = {"parties": ("institution", "institution"), "fields": ("field", None)}
_REFS |= {"sources": ("source", None)}


# -- reading and checking ------------------------------------------------------------------
@dataclass
class Prepared:
    """A clean file's columns, ready to resolve and build."""

    path: Path
    records: int
    columns: dict[str, pa.Array]


def is_bulk(path: Path) -> bool:
    return not UNSUPPORTED and is_jsonl(path) and kind_of(path) == KIND


def read(path: Path) -> Prepared | None:
    """Read and check a JSON Lines agreements file; None unless it is plainly clean."""
    ahead: _Ahead | None = getattr(_local, "ahead", None)
    future = ahead.take(path) if ahead else None
    return future.result() if future else _read(path)


def _read(path: Path) -> Prepared | None:
    if not is_bulk(path):
        return None
    try:
        data = path.read_bytes()
        if not data.isascii():
            data.decode("utf-8")
        if not _one_object_per_line(data) or not _null_lines_valid(data):
            return None
        table = pj.read_json(pa.BufferReader(data), parse_options=_PARSE)
    except (OSError, UnicodeDecodeError, pa.ArrowException):
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if table.num_rows != lines:
        return None
    columns = {name: table[name].combine_chunks() for name in table.column_names}
    for f in FIELDS:
        converted = _check(f, columns[f.name])
        if converted is None:
            return None
        columns[f.name] = converted
    ids = columns["id"]
    if pc.count_distinct(ids).as_py() != len(ids) or not _check_dates(columns):
        return None
    return Prepared(path, table.num_rows, columns)


def _one_object_per_line(data: bytes) -> bool:
    """Each line starts with `{` and ends with `}`. Arrow refuses raw control characters in
    strings (as pydantic does), so a line break falls between two top-level objects; with one
    row read per line (checked after reading), each line is then exactly one record."""
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return False  # a lone CR ends a line for Python's reader, not for Arrow's
        data = data.replace(b"\r\n", b"\n")
    body = data.removesuffix(b"\n")
    breaks = body.count(b"\n")
    ends = body.startswith(b"{") and body.endswith(b"}")
    return ends and body.count(b"\n{") == breaks == body.count(b"}\n")


def _null_lines_valid(data: bytes) -> bool:
    at = data.find(b"null")
    while at >= 0:
        start, end = data.rfind(b"\n", 0, at) + 1, data.find(b"\n", at)
        end = len(data) if end < 0 else end
        try:
            RECORD.model_validate_json(data[start:end])
        except ValidationError:
            return False
        at = data.find(b"null", end)
    return True


def _check(f: Column, col: pa.Array) -> pa.Array | None:
    """The column if every value obeys the field's rules (dates parsed), else None."""
    if col.null_count and f.required:
        return None
    present = col.drop_null()
    lim = f.limits
    if f.shape in ("str", "strs", "records") and ({"min_length", "max_length"} & set(lim)):
        n = pc.utf8_length(present) if f.shape == "str" else pc.list_value_length(present)
        if not _within(n, lim.get("min_length"), lim.get("max_length")):
            return None
    if "pattern" in lim:
        try:
            if not pc.all(pc.match_substring_regex(present, lim["pattern"])).as_py():
                return None
        except pa.ArrowException:
            return None  # a pattern RE2 cannot run
    if f.shape == "int":
        lo, hi = lim.get("ge", lim.get("gt")), lim.get("le", lim.get("lt"))
        if len(present) and not _within(present, lo, hi, "gt" in lim, "lt" in lim):
            return None
    if f.shape in ("strs", "records"):
        values = pc.list_flatten(present)
        if values.null_count:
            return None
        for s in f.sub:
            if _check(s, pc.struct_field(values, s.name)) is None:
                return None
    if f.shape in ("enum", "date"):
        return _by_pydantic(f, col)
    return col


def _within(
    values: pa.Array, lo: Any, hi: Any, lo_open: bool = False, hi_open: bool = False
) -> bool:
    if not len(values):
        return True
    low, high = pc.min_max(values).values()
    low, high = low.as_py(), high.as_py()
    if lo is not None and (low < lo or (lo_open and low == lo)):
        return False
    return hi is None or not (high > hi or (hi_open and high == hi))


def _by_pydantic(f: Column, col: pa.Array) -> pa.Array | None:
    """Validate each distinct value as pydantic would the field; the column of the results."""
    assert f.probe is not None
    encoded = col.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    try:
        found = f.probe.validate_json(json.dumps([{f.name: v} for v in distinct]))
    except ValidationError:
        return None
    out = [getattr(one, f.name) for one in found]
    return pa.array(out, pa.date32() if f.shape == "date" else pa.string()).take(encoded.indices)


def _check_dates(columns: dict[str, pa.Array]) -> bool:
    """AgreementRecord._dates, on whole columns."""
    until, start = columns["valid_until"], columns["valid_from"]
    if pc.any(pc.less(until, start)).as_py():
        return False
    signed, year = columns["signed_on"], columns["signed_year"]
    return not pc.any(pc.not_equal(pc.year(signed), year)).as_py()


# -- references and the batch --------------------------------------------------------------
def resolve(prepared: Prepared, resolver: Resolver) -> dict[str, dict[str, str]] | None:
    """Each distinct reference -> its key, per column; None if any fails to resolve."""
    out: dict[str, dict[str, str]] = {}
    for name, (kind, sub) in _REFS.items():
        values = pc.list_flatten(prepared.columns[name])
        if sub:
            values = pc.struct_field(values, sub)
        # A key of the index resolves to itself (Resolver.resolve's first test): only names
        # go through resolve, whose answers are the same each time.
        known = resolver.entries(kind)
        keys: dict[str, str] = {}
        for value in pc.unique(values).to_pylist():
            if value in known:
                keys[value] = value
                continue
            try:
                keys[value] = resolver.resolve(kind, value)
            except KBError:
                return None
            known = resolver.entries(kind)  # resolve may have reread the store
        out[name] = keys
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building or writing a batch makes millions of short-lived dicts, lists and tuples and
    no reference cycles: each few hundred thousand would set off a full collection of a heap
    that holds the resolver's indexes and the batch (at a million agreements, 13 s of 75)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def build(prepared: Prepared, keys: dict[str, dict[str, str]]) -> GraphBatch:
    """The batch `kbfiles._agreements` builds from the same records."""
    with gc_paused():
        return _build(prepared, keys)


def _build(prepared: Prepared, keys: dict[str, dict[str, str]]) -> GraphBatch:
    cols = prepared.columns
    ids = cols["id"].to_pylist()
    node_fields = [f for f in FIELDS if f.name in m.Agreement.model_fields]
    values = [_values(f, cols[f.name]) for f in node_fields]
    names = [f.name for f in node_fields]
    nodes = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
    for props in nodes:
        if props["signed_on"] and not props["signed_year"]:
            props["signed_year"] = props["signed_on"].year
        if props["valid_from"] and not props["valid_from_year"]:
            props["valid_from_year"] = props["valid_from"].year
    batch = GraphBatch()
    batch.nodes["Agreement"] = nodes
    parties, fields, sources = cols["parties"], cols["fields"], cols["sources"]
    flat = pc.list_flatten(parties)
    inst, src = keys["parties"], keys["sources"]
    rows = {
        "PARTY_TO": [
            {"from": inst[i], "to": a, "role": role}
            for a, i, role in zip(
                _owners(parties, ids),
                pc.struct_field(flat, "institution").to_pylist(),
                pc.struct_field(flat, "role").to_pylist(),
                strict=True,
            )
        ],
        "COVERS": _covers(fields, ids, keys["fields"]),
        "REPORTED_IN": [
            {"from": a, "to": src[s]}
            for a, s in zip(
                _owners(sources, ids), pc.list_flatten(sources).to_pylist(), strict=True
            )
        ],
    }
    # The slow path adds each type with its first row: the same order, no empty types.
    first = {"PARTY_TO": _first(parties), "COVERS": _first(fields), "REPORTED_IN": _first(sources)}
    for type_ in sorted(rows, key=first.__getitem__):
        if rows[type_]:
            batch.rels[type_] = rows[type_]
    batch.replace += [
        ("PARTY_TO", "to", ids),
        ("COVERS", "from", ids),
        ("REPORTED_IN", "from", ids),
    ]
    return batch


def _values(f: Column, col: pa.Array) -> list[Any]:
    """A column as Python values; absent values take the field's default (for a nullable
    field that is None, as `_fields` ensures)."""
    values = col.to_pylist()
    if col.null_count and not f.nullable:
        return [f.default() if v is None else v for v in values]
    return values


def _owners(lists: pa.Array, ids: list[str]) -> list[str]:
    return [ids[i] for i in pc.list_parent_indices(lists).to_pylist()]


def _first(lists: pa.Array) -> int:
    n = pc.list_value_length(lists).fill_null(0)
    found = pc.index(pc.greater(n, 0), True).as_py()
    return found if found >= 0 else len(lists)


def _covers(fields: pa.Array, ids: list[str], codes: dict[str, str]) -> list[dict[str, Any]]:
    """COVERS rows: one per code an agreement names, labelled with every name it used."""
    parents = pc.list_parent_indices(fields).to_pylist()
    labels = pc.list_flatten(fields).to_pylist()
    targets = [codes[label] for label in labels]
    if len(set(zip(parents, targets, strict=True))) == len(targets):  # no code named twice
        return [
            {"from": ids[p], "to": code, "label": label}
            for p, code, label in zip(parents, targets, labels, strict=True)
        ]
    covered: dict[tuple[int, str], list[str]] = {}
    for p, code, label in zip(parents, targets, labels, strict=True):
        covered.setdefault((p, code), []).append(label)
    return [
        {"from": ids[p], "to": code, "label": "; ".join(ls)} for (p, code), ls in covered.items()
    ]


# -- reading ahead -------------------------------------------------------------------------
_local = threading.local()


class _Ahead:
    """Reads each agreements file of a load in a thread while the one before it is written
    (the write is mostly the database's own work, which releases the GIL)."""

    def __init__(self, pool: ThreadPoolExecutor, files: list[Path]) -> None:
        self.pool, self.files = pool, files
        self.pending: dict[Path, Future[Prepared | None]] = {}
        self._start(0)

    def _start(self, at: int) -> None:
        if at < len(self.files):
            self.pending[self.files[at]] = self.pool.submit(_read, self.files[at])

    def take(self, path: Path) -> Future[Prepared | None] | None:
        future = self.pending.pop(path, None)
        if future is not None:
            self._start(self.files.index(path) + 1)
        return future


@contextmanager
def reading_ahead(files: list[Path]) -> Iterator[None]:
    """While `files` are loaded in this order (in this thread), read the next agreements
    file ahead. The reading is the same `read`; only its time moves."""
    todo = [f for f in files if is_bulk(f)]
    if not todo or getattr(_local, "ahead", None):
        yield
        return
    pool = ThreadPoolExecutor(1, thread_name_prefix="kb-read-ahead")
    _local.ahead = _Ahead(pool, todo)
    try:
        yield
    finally:
        _local.ahead = None
        pool.shutdown(wait=True, cancel_futures=True)


def agreements_batch(path: Path, resolver: Resolver) -> tuple[int, GraphBatch] | None:
    """The number of records and the batch of a clean JSON Lines agreements file, or None
    when the slow path must load it (any other file, or anything unclean)."""
    prepared = read(path)
    if prepared is None:
        return None
    keys = resolve(prepared, resolver)
    if keys is None:
        return None
    return prepared.records, build(prepared, keys)
