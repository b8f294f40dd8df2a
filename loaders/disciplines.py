"""Disciplines: the ISCED-F 2013 field taxonomy and the free-text alias table kb ships."""

from __future__ import annotations

import csv
from importlib import resources

from kb.store.base import GraphBatch


def _tsv(name: str) -> list[dict[str, str]]:
    text = resources.files("kb").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def isced_rows() -> list[dict[str, str]]:
    """Rows of the shipped ISCED-F 2013 table: code, level, name, parent."""
    return _tsv("isced-f-2013.tsv")


def shipped_aliases() -> dict[str, list[str]]:
    """code -> aliases, from the shipped alias table."""
    out: dict[str, list[str]] = {}
    for row in _tsv("field-aliases.tsv"):
        out.setdefault(row["code"], []).append(row["alias"])
    return out


def disciplines_batch(existing_aliases: dict[str, list[str]] | None = None) -> GraphBatch:
    """Every ISCED-F field with its lineage and aliases, and SUBFIELD_OF to its parent.

    ``existing_aliases`` (code -> aliases already in the store) are kept, so aliases a user
    added from a ``field_aliases`` file survive a reload of the taxonomy.
    """
    rows = isced_rows()
    parent = {row["code"]: row["parent"] or None for row in rows}
    aliases = shipped_aliases()
    batch = GraphBatch()
    for row in rows:
        code = row["code"]
        lineage = [code]
        while parent.get(lineage[-1]):
            lineage.append(parent[lineage[-1]])  # type: ignore[arg-type]
        names = list(aliases.get(code, []))
        for a in (existing_aliases or {}).get(code, []):
            if a not in names:
                names.append(a)
        batch.add_node(
            "Discipline",
            {
                "code": code,
                "name": row["name"],
                "level": row["level"],
                "lineage": lineage[::-1],
                "aliases": names,
            },
        )
        if parent[code]:
            batch.add_rel("SUBFIELD_OF", code, parent[code])
    return batch
