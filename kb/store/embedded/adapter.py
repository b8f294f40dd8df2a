"""The embedded store: LadybugDB (the maintained Kùzu fork) in a local folder."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pyarrow as pa

from kb.errors import InvalidInput, QueryTimeout, StoreError, StoreUnavailable
from kb.schema import NODES, RELS, PropType, check_identifier
from kb.store.base import GraphBatch, GraphStore, QueryResult, WriteStats
from kb.store.embedded.ddl import schema_statements
from kb.store.values import plain_row

# Lists bound as one UNWIND parameter; larger inputs go in several statements.
_CHUNK = 50_000

# LadybugDB 0.22 crashes the whole process (SIGSEGV) on `ORDER BY … SKIP n` over a node scan
# once n passes roughly 11,900; below 10,000 it never did. Such a statement is refused here,
# where the crash would take the API down with it, instead of reaching the database.
MAX_SKIP = 10_000
_SKIP = re.compile(r"\bSKIP\s+(\$?[A-Za-z_0-9]+)", re.IGNORECASE)

_ARROW = {
    PropType.STRING: pa.string(),
    PropType.STRINGS: pa.list_(pa.string()),
    PropType.DATE: pa.date32(),
    PropType.INT: pa.int64(),
    PropType.FLOAT: pa.float64(),
    PropType.BOOL: pa.bool_(),
}


class EmbeddedStore(GraphStore):
    """A LadybugDB database folder.

    One process may hold the folder open for writing. Within it, each thread gets its own
    connection to the one database, so readers run side by side; batches, clearing and
    schema changes take turns on a lock (LadybugDB allows one write transaction at a time).
    """

    dialect = "embedded"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        import ladybug

        self.path = Path(path)
        self.uri = f"embedded://{self.path}"
        self._lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[Any] = []
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(self.path), read_only=read_only)
        except RuntimeError as exc:
            raise StoreUnavailable(f"cannot open the embedded store at {self.path}: {exc}") from exc
        if not read_only:
            self.init_schema()

    @property
    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import ladybug

            if self._db is None:
                raise StoreUnavailable(f"the embedded store at {self.path} is closed")
            conn = ladybug.Connection(self._db)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    # -- schema ------------------------------------------------------------------------------
    def init_schema(self) -> None:
        with self._lock:
            existing = {row[1] for row in self._exec("CALL show_tables() RETURN *")[1]}
            for name, statement in schema_statements():
                if name not in existing:
                    self._exec(statement)
                else:
                    self._add_missing_columns(name)

    def _add_missing_columns(self, table: str) -> None:
        # A store made by an older kb lacks properties added to the model since; adding them
        # as empty columns lets it be opened without a reload.
        have = {
            row[1]
            for row in self._exec(f"CALL table_info('{check_identifier(table)}') RETURN *")[1]
        }
        spec = NODES[table].props if table in NODES else RELS[table].props
        for prop, type_ in spec.items():
            if prop not in have:
                column = f"{check_identifier(prop)} {type_.value}"
                self._exec(f"ALTER TABLE {check_identifier(table)} ADD {column}")

    # -- reading -----------------------------------------------------------------------------
    def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        _check_skip(cypher, params or {})
        conn = self._conn
        if timeout_s:
            conn.set_query_timeout(max(1, int(timeout_s * 1000)))
        try:
            if read_only:
                self._exec("BEGIN TRANSACTION READ ONLY")
                try:
                    columns, rows, truncated = self._fetch(cypher, params, max_rows)
                finally:
                    self._rollback()
            else:
                columns, rows, truncated = self._fetch(cypher, params, max_rows)
        finally:
            if timeout_s:
                conn.set_query_timeout(0)
        return QueryResult(columns, rows, truncated)

    def _fetch(
        self, cypher: str, params: dict[str, Any] | None, max_rows: int | None
    ) -> tuple[list[str], list[list[Any]], bool]:
        result = self._execute(cypher, params)
        columns = result.get_column_names()
        rows: list[list[Any]] = []
        truncated = False
        while result.has_next():
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(plain_row(result.get_next()))
        result.close()
        return columns, rows, truncated

    def _execute(self, cypher: str, params: dict[str, Any] | None = None) -> Any:
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as exc:
            if "Interrupted" in str(exc):
                raise QueryTimeout("the query ran past its time limit and was stopped") from exc
            raise StoreError(str(exc).strip()) from exc
        # A statement list returns a list of results; kb always sends one statement.
        return result[-1] if isinstance(result, list) else result

    def _exec(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list]:
        result = self._execute(cypher, params)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return result.get_column_names(), rows

    # -- writing -----------------------------------------------------------------------------
    def write_batch(self, batch: GraphBatch) -> WriteStats:
        stats = WriteStats()
        with self._lock:
            self._exec("BEGIN TRANSACTION")
            try:
                for label, keys in batch.delete.items():
                    stats.nodes_deleted += self._delete_nodes(label, keys)
                # Nodes created by this batch have no relationships yet, and a replaced
                # side has none left: neither needs the (costly) search for old edges.
                fresh: dict[str, set[str]] = {}
                for label, rows in batch.nodes.items():
                    fresh[label], updated = self._upsert_nodes(label, rows)
                    stats.nodes_created += len(fresh[label])
                    stats.nodes_updated += updated
                cleared: dict[tuple[str, str], set[str]] = {}
                for type_, side, keys in batch.replace:
                    label = RELS[type_].source if side == "from" else RELS[type_].target
                    self._drop_rels(type_, side, [k for k in keys if k not in fresh.get(label, ())])
                    cleared.setdefault((type_, side), set()).update(keys)
                for type_, rows in batch.rels.items():
                    rel = RELS[type_]
                    new_from = fresh.get(rel.source, set()) | cleared.get((type_, "from"), set())
                    new_to = fresh.get(rel.target, set()) | cleared.get((type_, "to"), set())
                    stats.rels_written += self._upsert_rels(type_, rows, new_from, new_to)
                self._exec("COMMIT")
            except BaseException:
                self._rollback()
                raise
            finally:
                self.generation += 1
        return stats

    def _rollback(self) -> None:
        # A statement that fails inside a transaction has already rolled it back.
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as exc:
            if "No active transaction" not in str(exc):
                raise

    def _delete_nodes(self, label: str, keys: list[str]) -> int:
        node = NODES[label]
        q = (
            f"UNWIND $keys AS k MATCH (n:{check_identifier(label)}) "
            f"WHERE n.{check_identifier(node.key)} = k DETACH DELETE n"
        )
        for chunk in _chunks(keys):
            self._exec(q, {"keys": chunk})
        return len(keys)

    def _existing_keys(self, label: str, keys: list[str]) -> set[str]:
        node = NODES[label]
        lbl, key = check_identifier(label), check_identifier(node.key)
        if self._exec(f"MATCH (n:{lbl}) RETURN count(n)")[1][0][0] == 0:
            return set()
        found: set[str] = set()
        q = f"UNWIND $keys AS k MATCH (n:{lbl}) WHERE n.{key} = k RETURN n.{key}"
        for chunk in _chunks(keys):
            found.update(r[0] for r in self._exec(q, {"keys": chunk})[1])
        return found

    def _upsert_nodes(self, label: str, rows: list[dict[str, Any]]) -> tuple[set[str], int]:
        """Create or update nodes; returns the keys created and the number updated."""
        node = NODES[label]
        by_key = {row[node.key]: row for row in rows}  # last row for a key wins
        existing = self._existing_keys(label, list(by_key))
        new = [r for k, r in by_key.items() if k not in existing]
        old = [r for k, r in by_key.items() if k in existing]
        if new:
            # COPY is the bulk path; it must never see a key that exists (LadybugDB aborts).
            table = _arrow_table(node.props, new)
            self._exec(f"COPY {check_identifier(label)} FROM $rows", {"rows": table})
        for props, group in _group_by_props(old, node.key):
            # A typed Arrow table, not a list of dicts: LadybugDB would type each column
            # from its first row, and a leading null makes it the wrong type.
            sets = ", ".join(f"n.{check_identifier(p)} = _{p}" for p in props)
            q = (
                f"LOAD FROM $rows MATCH (n:{check_identifier(label)}) "
                f"WHERE n.{check_identifier(node.key)} = _{node.key} SET {sets}"
            )
            columns = {f"_{p}": node.props[p] for p in [node.key, *props]}
            for chunk in _chunks(group):
                renamed = [{f"_{k}": v for k, v in row.items()} for row in chunk]
                self._exec(q, {"rows": _arrow_table(columns, renamed)})
        return {r[node.key] for r in new}, len(old)

    def _drop_rels(self, type_: str, side: str, keys: list[str]) -> None:
        rel = RELS[type_]
        label = rel.source if side == "from" else rel.target
        key = NODES[label].key
        pattern = "(n)-[r:{t}]->()" if side == "from" else "()-[r:{t}]->(n)"
        q = (
            f"UNWIND $keys AS k MATCH {pattern.format(t=check_identifier(type_))} "
            f"WHERE label(n) = '{check_identifier(label)}' AND n.{check_identifier(key)} = k "
            "DELETE r"
        )
        for chunk in _chunks(keys):
            self._exec(q, {"keys": chunk})

    def _upsert_rels(
        self,
        type_: str,
        rows: list[dict[str, Any]],
        new_from: set[str] | frozenset[str] = frozenset(),
        new_to: set[str] | frozenset[str] = frozenset(),
    ) -> int:
        """Write relationships once each; `new_from` / `new_to`: endpoint keys known to have
        no relationship of this type (created or cleared by this batch)."""
        rel = RELS[type_]
        by_pair = {(r["from"], r["to"]): r for r in rows}
        rows = list(by_pair.values())
        t = check_identifier(type_)
        src, dst = NODES[rel.source], NODES[rel.target]
        pairs = [{"f": f, "t": to} for f, to in by_pair if f not in new_from and to not in new_to]
        if pairs and self._exec(f"MATCH ()-[r:{t}]->() RETURN count(r)")[1][0][0] > 0:
            # Relationship tables allow parallel edges, so an edge written before is removed
            # first; that keeps a reload from doubling it. Matching each target by its key
            # first lets LadybugDB use the primary-key index (7x faster than one pattern).
            q = (
                f"UNWIND $rows AS p MATCH (b:{check_identifier(rel.target)}) "
                f"WHERE b.{check_identifier(dst.key)} = p.t "
                f"MATCH (a:{check_identifier(rel.source)})-[r:{t}]->(b) "
                f"WHERE a.{check_identifier(src.key)} = p.f "
                "DELETE r"
            )
            for chunk in _chunks(pairs):
                self._exec(q, {"rows": chunk})
        if rows:
            columns = {"from": PropType.STRING, "to": PropType.STRING, **rel.props}
            self._exec(f"COPY {t} FROM $rows", {"rows": _arrow_table(columns, rows)})
        return len(rows)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            for label in NODES:
                self._exec(f"MATCH (n:{check_identifier(label)}) DETACH DELETE n")

    def close(self) -> None:
        with self._lock:
            if self._db is None:
                return
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._db.close()
            self._db = None
            self._local = threading.local()


def _check_skip(cypher: str, params: dict[str, Any]) -> None:
    for match in _SKIP.finditer(cypher):
        token = match.group(1)
        value = params.get(token[1:]) if token.startswith("$") else token
        try:
            n = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if n >= MAX_SKIP:
            raise InvalidInput(
                f"SKIP {n:,} is more than the embedded store supports (at most {MAX_SKIP - 1:,}); "
                "narrow the query with WHERE instead"
            )


def _chunks(items: list[Any], size: int = _CHUNK) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or []


def _arrow_table(columns: dict[str, PropType], rows: list[dict[str, Any]]) -> pa.Table:
    return pa.table(
        {name: pa.array([r.get(name) for r in rows], type=_ARROW[t]) for name, t in columns.items()}
    )


def _group_by_props(rows: list[dict[str, Any]], key: str) -> list[tuple[list[str], list[dict]]]:
    """Group update rows by the set of properties they carry, one SET statement per group."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        props = tuple(sorted(p for p in row if p != key))
        groups.setdefault(props, []).append(row)
    return [(list(props), group) for props, group in groups.items() if props]
