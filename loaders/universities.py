"""The world-universities list (JSON): about 10,000 institutions with country and web domains.

Entries are merged with what the store holds, so one institution is one node: an entry joins
the institution that has one of its web domains, else the one with its normalised name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from kb.errors import FileError, KBError
from kb.loaders.countries import country_code
from kb.loaders.reference import ensure_reference
from kb.names import normalize, slugify, union
from kb.resolve import Entry, Resolver
from kb.store.base import GraphBatch, GraphStore, WriteStats

ORIGIN = "world-universities"
Progress = Callable[[int, int], None]


class ListEntry(BaseModel):
    name: str = Field(min_length=1)
    alpha_two_code: str = Field(min_length=2, max_length=2)
    domains: list[str] = Field(default_factory=list)
    web_pages: list[str] = Field(default_factory=list)
    country: str | None = None


@dataclass
class UniversitiesReport:
    path: str
    entries: int
    created: int
    merged: int
    stats: WriteStats


def read_entries(path: Path) -> list[tuple[int, ListEntry]]:
    """(line, entry) for every entry of the file; any invalid entry is an error naming it."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(shown, None, None, f"cannot read the file: {exc}") from exc
    out: list[tuple[int, ListEntry]] = []
    line, counted = 1, 0
    for n, (offset, item) in enumerate(_array_items(text, shown), start=1):
        line += text.count("\n", counted, offset)
        counted = offset
        if not isinstance(item, dict):
            raise FileError(shown, line, None, f"entry {n} is not an object")
        try:
            entry = ListEntry.model_validate(item)
            country_code(entry.alpha_two_code)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise FileError(shown, line, field, f"entry {n}: {err['msg']}") from None
        except KBError as exc:
            raise FileError(shown, line, "alpha_two_code", f"entry {n}: {exc}") from None
        out.append((line, entry))
    return out


def _array_items(text: str, shown: str) -> list[tuple[int, Any]]:
    """Decode a top-level JSON array item by item, keeping each item's offset for errors."""
    decoder = json.JSONDecoder()
    i = _skip_ws(text, 0)
    if i >= len(text) or text[i] != "[":
        raise FileError(shown, 1, None, "expected a JSON array of institutions")
    items: list[tuple[int, Any]] = []
    i = _skip_ws(text, i + 1)
    while i < len(text) and text[i] != "]":
        try:
            item, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise FileError(shown, exc.lineno, None, f"not valid JSON: {exc.msg}") from None
        items.append((i, item))
        i = _skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
        elif i < len(text) and text[i] != "]":
            line = text.count("\n", 0, i) + 1
            raise FileError(shown, line, None, "not valid JSON: expected ',' or ']'")
    if i >= len(text):
        raise FileError(
            shown, text.count("\n") + 1, None, "not valid JSON: the array is not closed"
        )
    return items


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def universities_batch(
    entries: list[tuple[int, ListEntry]], resolver: Resolver, progress: Progress | None = None
) -> tuple[GraphBatch, int, int]:
    """The batch that merges the list into the store; returns (batch, created, merged)."""
    known = resolver.entries("institution")
    current = {
        row[0]: {
            "aliases": row[1] or [],
            "website": row[2],
            "list_names": row[3] or [],
            "list_domains": row[4] or [],
            "list_website": row[5],
        }
        for row in resolver.store.run(
            "MATCH (n:Institution) "
            "RETURN n.id, n.aliases, n.website, n.list_names, n.list_domains, n.list_website"
        ).rows
    }
    taken = set(known)
    rows: dict[str, dict[str, Any]] = {}
    created = merged = 0
    for n, (_, e) in enumerate(entries, start=1):
        iso2 = country_code(e.alpha_two_code)
        key = _match(resolver, e, iso2)
        if key is None:
            key = _new_id(e, iso2, taken)
            taken.add(key)
            rows[key] = {
                "id": key,
                "name": e.name,
                "kind": "university",
                "origin": ORIGIN,
                "domains": list(e.domains),
                "website": e.web_pages[0] if e.web_pages else None,
                "aliases": [],
                "acronyms": [],
                "former_names": [],
                "sources": [],
                "list_names": [],
                "list_domains": list(e.domains),
                "list_website": e.web_pages[0] if e.web_pages else None,
                "country": iso2,
            }
            resolver.add("institution", [Entry(key, e.name, [], list(e.domains), ORIGIN, iso2)])
            created += 1
        else:
            row = rows.get(key) or _existing_row(known[key], current.get(key, {}))
            rows[key] = row
            # What the list adds is also kept in list_* so a knowledge-base reload keeps it.
            row["domains"] = union(row["domains"], e.domains)
            row["list_domains"] = union(row["list_domains"], e.domains)
            if e.web_pages and not row.get("list_website"):
                row["list_website"] = e.web_pages[0]
            if not row.get("website"):
                row["website"] = row.get("list_website")
            names = {normalize(x) for x in [row["name"], *row.get("names", [])]}
            if normalize(e.name) not in names:
                row["aliases"] = union(row.get("aliases", []), [e.name])
                row["list_names"] = union(row["list_names"], [e.name])
                row.setdefault("names", []).append(e.name)
            merged += 1
        if progress and (n % 200 == 0 or n == len(entries)):
            progress(n, len(entries))
    batch = GraphBatch()
    for row in rows.values():
        country = row.pop("country", None)
        row.pop("names", None)
        batch.add_node("Institution", row)
        if country:
            batch.add_rel("LOCATED_IN", row["id"], country)
    return batch, created, merged


def load_universities(
    store: GraphStore, path: Path, progress: Progress | None = None
) -> UniversitiesReport:
    """Merge the list at `path` into the store, all or nothing.

    Countries and disciplines are loaded first if the store has none, since entries refer
    to their country.
    """
    entries = read_entries(path)
    ensure_reference(store)
    resolver = Resolver(store)
    batch, created, merged = universities_batch(entries, resolver, progress)
    stats = store.write_batch(batch)
    return UniversitiesReport(str(path), len(entries), created, merged, stats)


def _match(resolver: Resolver, e: ListEntry, iso2: str) -> str | None:
    for d in e.domains:
        hits = resolver.by_domain("institution", d)
        if len(hits) == 1:
            return next(iter(hits))
    # Names repeat across countries ("City University"); a name match must agree on it.
    entries = resolver.entries("institution")
    hits = {
        k for k in resolver.by_name("institution", e.name) if entries[k].country in (None, iso2)
    }
    return next(iter(hits)) if len(hits) == 1 else None


def _existing_row(entry: Entry, current: dict[str, Any]) -> dict[str, Any]:
    # Only what a list entry can add is written back; the knowledge base's facts stay.
    return {
        "id": entry.key,
        "name": entry.name,
        "domains": list(entry.domains),
        "names": list(entry.names),
        "aliases": list(current.get("aliases", [])),
        "website": current.get("website"),
        "list_names": list(current.get("list_names", [])),
        "list_domains": list(current.get("list_domains", [])),
        "list_website": current.get("list_website"),
    }


def _new_id(e: ListEntry, iso2: str, taken: set[str]) -> str:
    base = slugify(e.name)
    for candidate in (base, f"{base}-{iso2.lower()}"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{base}-{iso2.lower()}-{n}" in taken:
        n += 1
    return f"{base}-{iso2.lower()}-{n}"
