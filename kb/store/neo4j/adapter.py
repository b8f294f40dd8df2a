"""The Neo4j store, through the official driver: managed transactions, batched UNWIND loads."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
)

from kb.errors import QueryTimeout, StoreError, StoreUnavailable
from kb.schema import NODES, RELS, check_identifier
from kb.store.base import GraphBatch, GraphStore, QueryResult, WriteStats
from kb.store.neo4j.ddl import schema_statements


class Neo4jStore(GraphStore):
    """A Neo4j 5 database. Writes run in one managed transaction per batch, which the driver
    retries on transient errors; every statement in it is an UNWIND over at most
    ``batch_size`` rows."""

    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str | None = None,
        *,
        database: str | None = None,
        batch_size: int = 5000,
    ) -> None:
        self.uri = uri
        self.database = database
        self.batch_size = batch_size
        try:
            # Warnings about property keys no node has yet are expected (an empty store).
            self._driver = GraphDatabase.driver(
                uri, auth=(user, password or ""), notifications_min_severity="OFF"
            )
            self._driver.verify_connectivity()
        except AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials for user {user!r}: {exc.message}"
            ) from None
        except (ServiceUnavailable, ConfigurationError, DriverError, OSError, ValueError) as exc:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {_short(exc)}") from None
        self.init_schema()

    @classmethod
    def from_uri(cls, uri: str) -> Neo4jStore:
        """Open ``neo4j://user[:password]@host:port[/database]`` (also bolt://, neo4j+s://).

        The password comes from the URI or else from NEO4J_PASSWORD; it never appears in
        messages, which name the URI without it.
        """
        from kb.settings import get_settings

        parts = urlsplit(uri)
        user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER", "neo4j")
        password = unquote(parts.password) if parts.password else None
        if password is None:
            secret = get_settings().neo4j_password
            password = secret.get_secret_value() if secret else None
        host = parts.hostname or "localhost"
        netloc = f"{host}:{parts.port}" if parts.port else host
        database = parts.path.strip("/") or None
        clean = urlunsplit((parts.scheme, netloc, "", "", ""))
        return cls(clean, user, password, database=database, batch_size=get_settings().batch_size)

    # -- schema ----------------------------------------------------------------------------
    def init_schema(self) -> None:
        for statement in schema_statements():
            self._driver.execute_query(statement, database_=self.database)

    # -- reading ---------------------------------------------------------------------------
    def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        def work(tx: neo4j.ManagedTransaction) -> QueryResult:
            result = tx.run(cypher, params or {})
            columns = list(result.keys())
            rows: list[list[Any]] = []
            truncated = False
            for record in result:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append([plain(v) for v in record.values()])
            return QueryResult(columns, rows, truncated)

        if timeout_s:
            # The server enforces this limit and stops the transaction when it passes.
            work = neo4j.unit_of_work(timeout=timeout_s)(work)
        try:
            with self._driver.session(database=self.database) as session:
                if read_only:
                    return session.execute_read(work)
                return session.execute_write(work)
        except Neo4jError as exc:
            raise _translate(exc) from None
        except ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_short(exc)}") from None

    # -- writing ---------------------------------------------------------------------------
    def write_batch(self, batch: GraphBatch) -> WriteStats:
        def work(tx: neo4j.ManagedTransaction) -> WriteStats:
            stats = WriteStats()
            for label, keys in batch.delete.items():
                stats.nodes_deleted += self._delete(tx, label, keys)
            for label, rows in batch.nodes.items():
                created, updated = self._merge_nodes(tx, label, rows)
                stats.nodes_created += created
                stats.nodes_updated += updated
            for type_, side, keys in batch.replace:
                self._drop_rels(tx, type_, side, keys)
            for type_, rows in batch.rels.items():
                stats.rels_written += self._merge_rels(tx, type_, rows)
            return stats

        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work)
        except Neo4jError as exc:
            raise _translate(exc) from None
        except ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_short(exc)}") from None

    def _delete(self, tx: neo4j.ManagedTransaction, label: str, keys: list[str]) -> int:
        key = check_identifier(NODES[label].key)
        q = f"UNWIND $keys AS k MATCH (n:{check_identifier(label)} {{{key}: k}}) DETACH DELETE n"
        return sum(
            tx.run(q, keys=chunk).consume().counters.nodes_deleted for chunk in self._chunks(keys)
        )

    def _merge_nodes(
        self, tx: neo4j.ManagedTransaction, label: str, rows: list[dict[str, Any]]
    ) -> tuple[int, int]:
        key = check_identifier(NODES[label].key)
        q = (
            f"UNWIND $rows AS row MERGE (n:{check_identifier(label)} {{{key}: row.{key}}}) "
            "SET n += row"
        )
        unique = list({row[key]: row for row in rows}.values())
        created = 0
        for chunk in self._chunks(unique):
            created += tx.run(q, rows=chunk).consume().counters.nodes_created
        return created, len(unique) - created

    def _drop_rels(
        self, tx: neo4j.ManagedTransaction, type_: str, side: str, keys: list[str]
    ) -> None:
        rel = RELS[type_]
        label = rel.source if side == "from" else rel.target
        key = check_identifier(NODES[label].key)
        pattern = "(n)-[r:{t}]->()" if side == "from" else "()-[r:{t}]->(n)"
        q = (
            f"UNWIND $keys AS k MATCH (n:{check_identifier(label)} {{{key}: k}}) "
            f"MATCH {pattern.format(t=check_identifier(type_))} DELETE r"
        )
        for chunk in self._chunks(keys):
            tx.run(q, keys=chunk).consume()

    def _merge_rels(
        self, tx: neo4j.ManagedTransaction, type_: str, rows: list[dict[str, Any]]
    ) -> int:
        rel = RELS[type_]
        src_key = check_identifier(NODES[rel.source].key)
        dst_key = check_identifier(NODES[rel.target].key)
        q = (
            "UNWIND $rows AS row "
            f"MATCH (a:{check_identifier(rel.source)} {{{src_key}: row.f}}) "
            f"MATCH (b:{check_identifier(rel.target)} {{{dst_key}: row.t}}) "
            f"MERGE (a)-[r:{check_identifier(type_)}]->(b) SET r = row.props "
            "RETURN count(r) AS n"
        )
        unique = {(r["from"], r["to"]): r for r in rows}
        payload = [
            {"f": f, "t": t, "props": {k: v for k, v in r.items() if k not in ("from", "to")}}
            for (f, t), r in unique.items()
        ]
        written = 0
        for chunk in self._chunks(payload):
            n = tx.run(q, rows=chunk).single()["n"]
            if n != len(chunk):
                missing = _missing_endpoints(tx, rel.source, rel.target, chunk)
                raise StoreError(
                    f"{type_}: no node for {missing}; nothing of the batch was written"
                )
            written += n
        return written

    def _chunks(self, items: list[Any]) -> list[list[Any]]:
        n = self.batch_size
        return [items[i : i + n] for i in range(0, len(items), n)]

    def clear(self) -> None:
        self._driver.execute_query("MATCH (n) DETACH DELETE n", database_=self.database)

    def close(self) -> None:
        self._driver.close()


def _missing_endpoints(
    tx: neo4j.ManagedTransaction, source: str, target: str, chunk: list[dict[str, Any]]
) -> str:
    src_key, dst_key = NODES[source].key, NODES[target].key
    q = (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (a:{check_identifier(source)} {{{check_identifier(src_key)}: row.f}}) "
        f"OPTIONAL MATCH (b:{check_identifier(target)} {{{check_identifier(dst_key)}: row.t}}) "
        "WITH row, a, b WHERE a IS NULL OR b IS NULL "
        "RETURN CASE WHEN a IS NULL THEN row.f ELSE row.t END AS k LIMIT 3"
    )
    return ", ".join(repr(r["k"]) for r in tx.run(q, rows=chunk))


def plain(value: Any) -> Any:
    """Neo4j values as the plain Python values every store returns."""
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value
    return value


def _translate(exc: Neo4jError) -> Exception:
    code = exc.code or ""
    if "TransactionTimedOut" in code or "Terminated" in code:
        return QueryTimeout("the query ran past its time limit and was stopped")
    if isinstance(exc, ClientError) and "AccessMode" in code:
        return StoreError(f"this query writes, and writes are not allowed here: {exc.message}")
    return StoreError(exc.message or str(exc))


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
