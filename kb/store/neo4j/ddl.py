"""Neo4j schema: a uniqueness constraint on every node key, generated from the shared schema."""

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
