"""LadybugDB DDL, generated from the shared schema."""

from __future__ import annotations

from collections.abc import Iterator

from kb.schema import NODES, RELS


def schema_statements() -> Iterator[tuple[str, str]]:
    """(table name, CREATE statement) for every node table, then every relationship table."""
    for node in NODES.values():
        cols = ", ".join(f"{name} {t.value}" for name, t in node.props.items())
        yield node.label, f"CREATE NODE TABLE {node.label}({cols}, PRIMARY KEY ({node.key}))"
    for rel in RELS.values():
        cols = "".join(f", {name} {t.value}" for name, t in rel.props.items())
        yield rel.type, f"CREATE REL TABLE {rel.type}(FROM {rel.source} TO {rel.target}{cols})"
