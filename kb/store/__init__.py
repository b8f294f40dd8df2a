"""Opening a store from a URI: the only place that knows which adapters exist."""

from __future__ import annotations

from pathlib import Path

from kb.errors import InvalidInput
from kb.store.base import GraphBatch, GraphStore, QueryResult, WriteStats

__all__ = ["GraphBatch", "GraphStore", "QueryResult", "WriteStats", "open_store"]

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str, *, read_only: bool = False) -> GraphStore:
    """Open the store a URI names.

    ``embedded:///abs/path``, ``embedded:/abs/path`` or ``embedded://relative/path`` (or a bare
    folder path) opens the embedded store; ``neo4j://``, ``bolt://`` and their ``+s`` forms open
    Neo4j.
    """
    if uri.startswith(NEO4J_SCHEMES):
        from kb.store.neo4j import Neo4jStore

        return Neo4jStore.from_uri(uri)
    if uri.startswith("embedded://"):
        path = uri.removeprefix("embedded://")
    elif uri.startswith("embedded:"):  # embedded:/abs/path, not a folder named "embedded:"
        path = uri.removeprefix("embedded:")
    elif "://" in uri:
        raise InvalidInput(
            f"unknown store URI {uri!r}: use embedded:///path/to/folder or neo4j://user@host:7687"
        )
    else:
        path = uri
    if not path:
        raise InvalidInput("the embedded store URI names no folder")
    from kb.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(path), read_only=read_only)
