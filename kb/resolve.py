"""Resolving what users type (ids, names, aliases, acronyms, ISCED codes) to graph keys."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from kb.errors import Ambiguous, NotFound
from kb.names import normalize
from kb.store.base import GraphStore

# What each kind of reference is matched against, in the store.
_COLUMNS = (
    "AS key, {} AS name, {} AS aliases, {} AS acronyms, {} AS former, {} AS domains, "
    "{} AS origin, {} AS country"
)
_LOOKUPS = {
    "institution": "MATCH (n:Institution) WITH n OPTIONAL MATCH (n)-[:LOCATED_IN]->(c:Country) "
    "RETURN n.id "
    + _COLUMNS.format(
        "n.name",
        "n.aliases + coalesce(n.list_names, [])",
        "n.acronyms",
        "n.former_names",
        "n.domains",
        "n.origin",
        "c.iso2",
    ),
    "network": "MATCH (n:Network) RETURN n.id "
    + _COLUMNS.format("n.name", "n.aliases", "n.acronyms", "[]", "[]", "''", "''"),
    "field": "MATCH (n:Discipline) RETURN n.code "
    + _COLUMNS.format("n.name", "n.aliases", "[]", "[]", "[]", "''", "''"),
    "source": "MATCH (n:Source) RETURN n.id "
    + _COLUMNS.format("n.title", "[]", "[]", "[]", "[]", "''", "''"),
}
_NOUN = {"institution": "institution", "network": "network", "field": "field", "source": "source"}


@dataclass
class Entry:
    key: str
    name: str
    names: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    origin: str | None = None
    country: str | None = None


@dataclass
class _Index:
    entries: dict[str, Entry] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_domain: dict[str, set[str]] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        old = self.entries.get(entry.key)
        if old is not None:
            self._unlink(old)
        self.entries[entry.key] = entry
        for name in [entry.key, entry.name, *entry.names]:
            if name:
                self.by_name.setdefault(normalize(name), set()).add(entry.key)
        for domain in entry.domains:
            self.by_domain.setdefault(domain.lower(), set()).add(entry.key)

    def _unlink(self, entry: Entry) -> None:
        # Only the old entry's own names point at it: touching just those keeps a reload of
        # n records O(n) instead of O(n x all names).
        for name in [entry.key, entry.name, *entry.names]:
            if name:
                self.by_name.get(normalize(name), set()).discard(entry.key)
        for domain in entry.domains:
            self.by_domain.get(domain.lower(), set()).discard(entry.key)


class Resolver:
    """Finds institutions, networks, fields and sources by any of their names.

    The lookup tables are read from the store on first use and reread once when a name is
    not found, so records written since (by this process or another) are seen. Records not
    yet written — the rest of a file being loaded — can be added with :meth:`add`.

    >>> from kb.store import open_store  # doctest: +SKIP
    >>> Resolver(open_store("embedded://kb-data")).institution("IITKGP")  # doctest: +SKIP
    'iit-kharagpur'
    """

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._indexes: dict[str, _Index] = {}
        self._pending: dict[str, list[Entry]] = {}

    def institution(self, ref: str) -> str:
        return self.resolve("institution", ref)

    def network(self, ref: str) -> str:
        return self.resolve("network", ref)

    def field(self, ref: str) -> str:
        return self.resolve("field", ref)

    def source(self, ref: str) -> str:
        return self.resolve("source", ref)

    def add(self, kind: str, entries: Iterable[Entry]) -> None:
        """Make records that are about to be written resolvable now."""
        items = list(entries)
        self._pending.setdefault(kind, []).extend(items)
        if kind in self._indexes:
            for e in items:
                self._indexes[kind].add(e)

    def entries(self, kind: str) -> dict[str, Entry]:
        return self._index(kind).entries

    def by_domain(self, kind: str, domain: str) -> set[str]:
        return set(self._index(kind).by_domain.get(domain.lower(), set()))

    def by_name(self, kind: str, name: str) -> set[str]:
        return set(self._index(kind).by_name.get(normalize(name), set()))

    def refresh(self) -> None:
        """Reread the store on next use."""
        self._indexes.clear()

    def written(self, deleted: bool = False) -> None:
        """The records added are in the store now. The indexes hold them already, so they
        are kept (rereading 100k institutions costs seconds per file) unless records were
        `deleted`, which the indexes would still name. A name they miss rereads anyway."""
        self._pending.clear()
        if deleted:
            self._indexes.clear()

    def resolve(self, kind: str, ref: str) -> str:
        """The key of the one record `ref` names; raises NotFound or Ambiguous."""
        index = self._indexes.get(kind)
        if index is not None and ref in index.entries:
            return ref  # most references are ids: the bulk loaders' hot path
        ref = str(ref).strip()
        if index is None and kind == "institution" and self._stored_id(ref):
            return ref  # an id needs no index of every name (seconds at 100k institutions)
        found = self._match(kind, ref)
        if not found:
            self.refresh()
            found = self._match(kind, ref)
        if len(found) > 1 and kind == "field":
            found = _most_specific(found)
        if len(found) == 1:
            return next(iter(found))
        noun = _NOUN[kind]
        if not found:
            raise NotFound(f"no {noun} named {ref!r}.", self.suggest(kind, ref))
        names = sorted(f"{self._index(kind).entries[k].name} ({k})" for k in found)
        raise Ambiguous(f"the {noun} name {ref!r} is ambiguous.", names)

    def suggest(self, kind: str, ref: str, limit: int = 5) -> list[str]:
        index = self._index(kind)
        choices = {}
        for key, entry in index.entries.items():
            for name in [entry.name, *entry.names]:
                choices[(key, name)] = normalize(name)
        hits = process.extract(
            normalize(ref), choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=60
        )
        out: list[str] = []
        for _, _, (key, _) in hits:
            label = f"{index.entries[key].name} ({key})"
            if label not in out:
                out.append(label)
        return out[:limit]

    def _stored_id(self, ref: str) -> bool:
        found = self.store.run("MATCH (n:Institution) WHERE n.id = $id RETURN n.id", {"id": ref})
        return bool(found.rows)

    def _match(self, kind: str, ref: str) -> set[str]:
        index = self._index(kind)
        if ref in index.entries:
            return {ref}
        return set(index.by_name.get(normalize(ref), set()))

    def _index(self, kind: str) -> _Index:
        index = self._indexes.get(kind)
        if index is None:  # another thread may refresh meanwhile: return the one built here
            index = _Index()
            for row in self.store.run(_LOOKUPS[kind]).rows:
                index.add(_entry(row))
            for e in self._pending.get(kind, []):
                index.add(e)
            self._indexes[kind] = index
        return index


def _most_specific(codes: set[str]) -> set[str]:
    """ISCED-F repeats a name down a line of descent ("Law" is 042 and 0421): take the
    detailed code when every match is an ancestor of it."""
    deepest = max(codes, key=len)
    return {deepest} if all(deepest.startswith(c) for c in codes) else codes


def _entry(row: list[Any]) -> Entry:
    key, name, aliases, acronyms, former, domains, origin, country = row
    names = [*(aliases or []), *(acronyms or []), *(former or [])]
    return Entry(key, name or key, names, list(domains or []), origin or None, country or None)


# Reading 100k institutions' names takes seconds, so readers (queries, the API, maps) share
# one resolver per store. It is reread after SHARED_MAX_AGE_S, after this process writes
# (the store's generation), and whenever a name is not found (what another process wrote).
SHARED_MAX_AGE_S = 60.0
_shared: weakref.WeakKeyDictionary[GraphStore, tuple[float, int, Resolver]] = (
    weakref.WeakKeyDictionary()
)
_shared_lock = threading.Lock()


def shared_resolver(store: GraphStore) -> Resolver:
    """A resolver for reading, shared by every caller on `store` in this process."""
    now = time.monotonic()
    with _shared_lock:
        cached = _shared.get(store)
        if cached is None or now - cached[0] > SHARED_MAX_AGE_S or cached[1] != store.generation:
            cached = (now, store.generation, Resolver(store))
            _shared[store] = cached
        return cached[2]
