"""Loading the reference data every knowledge base needs: countries and ISCED-F fields."""

from __future__ import annotations

from kb.loaders.countries import countries_batch
from kb.loaders.disciplines import disciplines_batch
from kb.store.base import GraphStore, WriteStats


def load_countries(store: GraphStore) -> WriteStats:
    return store.write_batch(countries_batch())


def load_disciplines(store: GraphStore) -> WriteStats:
    existing = {
        code: aliases or []
        for code, aliases in store.run("MATCH (d:Discipline) RETURN d.code, d.aliases").rows
    }
    return store.write_batch(disciplines_batch(existing))


def ensure_reference(store: GraphStore) -> bool:
    """Load countries and disciplines if the store has none; True if it loaded them."""
    has = store.run("MATCH (c:Country) RETURN count(c)").rows[0][0]
    has_fields = store.run("MATCH (d:Discipline) RETURN count(d)").rows[0][0]
    if not has:
        load_countries(store)
    if not has_fields:
        load_disciplines(store)
    return not has or not has_fields
