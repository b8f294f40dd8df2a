"""The Neo4j store, through the official driver: a transaction per batch, batched UNWIND loads."""

from __future__ import annotations

import os
import random
import time
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
from kb.store.base import GraphBatch, GraphStore, QueryResult, WriteStats
from kb.store.neo4j.ddl import schema_statements
from kb.store.neo4j.write import BatchWriter

# How long after its first failure a batch is tried again, as the driver's managed transactions.
RETRY_FOR_S = 30.0


class Neo4jStore(GraphStore):
    """A Neo4j 5 database. Writes run in one transaction per batch, tried again on transient
    errors; every statement in it is an UNWIND over at most ``batch_size`` rows (see
    `kb.store.neo4j.write`)."""

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
        """One transaction, retried as the driver retries a managed one (transient errors such
        as a deadlock, a lost connection: again and again until 30 s after the first failure),
        except when it outgrew the memory a transaction may use: trying again cannot help, and
        for a large file each try takes a minute."""
        first_failure: float | None = None
        delay = 1.0
        while True:
            try:
                with (
                    self._driver.session(database=self.database) as session,
                    session.begin_transaction() as tx,
                ):
                    stats = BatchWriter(tx, self.batch_size).write(batch)
                    tx.commit()
                    self.generation += 1
                    return stats
            except (Neo4jError, DriverError) as exc:
                # MemoryPoolOutOfMemoryError, TransactionMemoryLimit, OutOfMemoryError
                if isinstance(exc, Neo4jError) and "Memory" in (exc.code or ""):
                    raise StoreError(_too_big(exc, batch)) from None
                now = time.monotonic()
                first_failure = first_failure or now
                if not exc.is_retryable() or now - first_failure > RETRY_FOR_S:
                    if isinstance(exc, Neo4jError):
                        raise _translate(exc) from None
                    if isinstance(exc, ServiceUnavailable):
                        raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_short(exc)}") from None
                    raise
            time.sleep(delay * random.uniform(0.8, 1.2))
            delay *= 2

    def clear(self) -> None:
        self.generation += 1
        self._driver.execute_query("MATCH (n) DETACH DELETE n", database_=self.database)

    def close(self) -> None:
        self._driver.close()


def _too_big(exc: Neo4jError, batch: GraphBatch) -> str:
    return (
        f"the batch ({batch.size():,} nodes and relationships) needs more transaction memory "
        f"than this Neo4j allows ({(exc.message or exc.code or '').rstrip('.')}). Give the "
        "server a larger heap (with "
        "scripts/neo4j-local: KB_NEO4J_HEAP) or raise dbms.memory.transaction.total.max; "
        "nothing of the batch was written"
    )


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
