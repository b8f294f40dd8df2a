"""The store interface every adapter implements, and the write unit it accepts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class GraphBatch:
    """Everything one file (or one loader step) writes, applied all-or-nothing.

    nodes
        label -> rows; each row holds the node key and the properties to set. Properties a
        row leaves out are left as they are on an existing node.
    rels
        relationship type -> rows ``{"from": key, "to": key, **props}``; a relationship is
        identified by its type and endpoints, so writing it again replaces its properties.
    replace
        ``(type, side, keys)``: before writing, drop the relationships of that type attached
        on that side (``"from"`` or ``"to"``) to these nodes, so an edited file's
        relationships replace the old ones instead of adding to them.
    delete
        label -> keys of nodes to remove with their relationships.
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    replace: list[tuple[str, Literal["from", "to"], list[str]]] = field(default_factory=list)
    delete: dict[str, list[str]] = field(default_factory=dict)

    def add_node(self, label: str, row: dict[str, Any]) -> None:
        self.nodes.setdefault(label, []).append(row)

    def add_rel(self, type_: str, source: str, target: str, **props: Any) -> None:
        self.rels.setdefault(type_, []).append({"from": source, "to": target, **props})

    def size(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))


@dataclass
class QueryResult:
    """Rows of plain Python values (str, int, float, bool, date, list, dict, None)."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class WriteStats:
    nodes_created: int = 0
    nodes_updated: int = 0
    rels_written: int = 0
    nodes_deleted: int = 0


class GraphStore(ABC):
    """A graph database kb can load into and query.

    Adapters differ in connection, schema DDL, bulk-load path and dialect; callers see only
    this interface. ``dialect`` names the folder of store-specific query variants.
    """

    dialect: str
    uri: str
    # Bumped by every write_batch and clear, so caches of what the store holds (the shared
    # name resolver) know when to reread it.
    generation: int = 0

    @abstractmethod
    def init_schema(self) -> None:
        """Create tables, constraints and indexes; safe to call again."""

    @abstractmethod
    def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run one Cypher statement with bound parameters and return its rows.

        With ``max_rows`` it fetches at most that many rows and sets ``truncated`` when more
        were there. ``read_only`` asks the database itself to refuse writes where it can.
        """

    @abstractmethod
    def write_batch(self, batch: GraphBatch) -> WriteStats:
        """Apply a batch in one transaction: all of it or none of it."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (the schema stays)."""

    @abstractmethod
    def close(self) -> None: ...

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type, in one round trip.

        Each count is taken before it is named: grouped by a constant, an empty table would
        give no row at all."""
        from kb.schema import NODES, RELS, check_identifier

        parts = [
            f"MATCH (n:{check_identifier(label)}) WITH count(n) AS n RETURN '{label}' AS name, n"
            for label in NODES
        ] + [
            f"MATCH ()-[r:{check_identifier(type_)}]->() WITH count(r) AS n "
            f"RETURN '{type_}' AS name, n"
            for type_ in RELS
        ]
        found = dict(self.run(" UNION ALL ".join(parts)).rows)
        return {name: found[name] for name in [*NODES, *RELS]}

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
