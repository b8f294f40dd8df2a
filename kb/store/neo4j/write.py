"""Applying a GraphBatch inside one Neo4j transaction: batched, pipelined UNWIND statements.

What makes it fast, measured with bench/neo4j_write.py:

- **Rows go as lists, not maps.** Each statement is generated for one set of properties, so a
  row is ``[key, value, …]`` and the driver does not pack every property name for every row;
  dates go as ISO text (``date()`` in the statement), which the driver packs several times
  faster than a date.
- **Statements are pipelined.** The next statement is sent before the result of the previous one
  is read, so the driver packs chunk *n + 1* while the server runs chunk *n*; results are
  checked one statement later.
- **Nodes the batch creates are known.** One index lookup per key first tells new keys from
  existing ones. A new node has no relationships, so its relationships are written with
  ``CREATE`` (no ``MERGE`` check) and the ``replace`` step skips it.
- **A reload rewrites nothing that did not change.** ``replace`` drops only the relationships a
  node no longer has (and duplicates); the ones the batch writes again are ``MERGE``d, so
  setting the same properties again leaves no change for the commit to apply.
- **Relationship rows are grouped by their endpoint with fewer distinct keys** (all the
  ``COVERS`` of one field), so that endpoint is looked up once per group.

Every endpoint is matched by its label and key, through the uniqueness constraint `kb init`
(and every Neo4jStore) creates. The server keeps the whole batch in its heap until the commit:
a file of 100,000 agreements (about 730,000 nodes and relationships) takes about 1.6 GB of
transaction memory, which Neo4j caps at 70% of the heap (see `scripts/neo4j-local --help`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import neo4j

from kb.errors import StoreError
from kb.schema import NODES, RELS, PropType, check_identifier
from kb.store.base import GraphBatch, WriteStats

Check = Callable[[list[Any], Any], None]


class BatchWriter:
    """Writes one batch in the transaction ``tx``; statements carry at most ``size`` rows."""

    def __init__(self, tx: neo4j.Transaction | neo4j.ManagedTransaction, size: int) -> None:
        self.tx = tx
        self.size = max(1, size)
        self.stats = WriteStats()
        # label -> keys of the nodes this batch created: they have no relationships yet.
        self.new: dict[str, set[Any]] = {}
        self._pending: deque[tuple[neo4j.Result, Check | None]] = deque()

    # -- the phases, in the order GraphBatch promises ---------------------------------------
    def write(self, batch: GraphBatch) -> WriteStats:
        for label, keys in batch.delete.items():
            self.delete(label, keys)
        for label, rows in batch.nodes.items():
            self.nodes(label, rows)
        replaced: dict[tuple[str, str], list[Any]] = {}
        for type_, side, keys in batch.replace:
            replaced.setdefault((type_, side), []).extend(keys)
        for (type_, side), keys in replaced.items():
            self.replace(type_, side, keys, batch.rels.get(type_, []))
        for type_, rows in batch.rels.items():
            self.rels(type_, rows)
        self.flush()
        return self.stats

    def delete(self, label: str, keys: list[Any]) -> None:
        q = (
            f"UNWIND $rows AS k MATCH (n:{check_identifier(label)} "
            f"{{{_key(label)}: k}}) DETACH DELETE n RETURN count(*) AS n"
        )

        def deleted(record: list[Any], _: Any) -> None:
            self.stats.nodes_deleted += record[0]

        for chunk in _chunks(list(dict.fromkeys(keys)), self.size):
            self._send(q, chunk, deleted)
        self.flush()

    def nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        key = NODES[label].key
        lbl, k = check_identifier(label), _key(label)
        unique = {row[key]: row for row in rows}  # the last row for a key wins
        existing: set[Any] = set()
        if self.tx.run(f"MATCH (n:{lbl}) RETURN count(n) > 0 AS any").single(strict=True)[0]:
            q = f"UNWIND $rows AS k MATCH (n:{lbl} {{{k}: k}}) RETURN collect(k) AS found"
            for chunk in _chunks(list(unique), self.size):
                self._send(q, chunk, lambda record, _: existing.update(record[0]))
            self.flush()
        new = {key_ for key_ in unique if key_ not in existing}

        # One statement per set of properties; a row is its values in that order. SET with a
        # null removes the property, as `SET n += map` does.
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for row in unique.values():
            groups.setdefault(tuple(row), []).append(list(row.values()))
        types = NODES[label].props
        created = 0

        def count(_: list[Any], summary: Any) -> None:
            nonlocal created
            created += summary.counters.nodes_created

        for columns, values in groups.items():
            at = columns.index(key)
            _dates_as_text(values, columns, types)
            sets = ", ".join(
                f"n.{check_identifier(p)} = {_value(types, p, f'r[{i}]')}"
                for i, p in enumerate(columns)
                if i != at
            )
            q = (
                f"UNWIND $rows AS r MERGE (n:{lbl} {{{k}: r[{at}]}})"
                + (f" SET {sets}" if sets else "")
                + " RETURN count(*) AS n"
            )
            for chunk in _chunks(values, self.size):
                self._send(q, chunk, count)
        self.flush()
        self.stats.nodes_created += created
        self.stats.nodes_updated += len(unique) - created
        # Another transaction may have created some of these keys meanwhile: then nothing is
        # assumed about which nodes are new.
        self.new.setdefault(label, set()).update(new if created == len(new) else ())

    def replace(self, type_: str, side: str, keys: list[Any], rows: list[dict[str, Any]]) -> None:
        """Drop the ``type_`` relationships on ``side`` of these nodes that ``rows`` does not
        have, and all but one of parallel duplicates; ``rels`` then MERGEs the rest."""
        rel = RELS[type_]
        label, other = (rel.source, rel.target) if side == "from" else (rel.target, rel.source)
        mine, theirs = ("from", "to") if side == "from" else ("to", "from")
        new = self.new.get(label, set())
        old = [k for k in dict.fromkeys(keys) if k not in new]
        if not old:
            return
        keep: dict[Any, list[Any]] = {k: [] for k in old}
        for row in rows:
            kept = keep.get(row[mine])
            if kept is not None:
                kept.append(row[theirs])
        pattern = "(n)-[x:{t}]->(m)" if side == "from" else "(n)<-[x:{t}]-(m)"
        q = (
            f"UNWIND $rows AS r MATCH (n:{check_identifier(label)} {{{_key(label)}: r[0]}}) "
            f"MATCH {pattern.format(t=check_identifier(type_))} "
            f"WITH n, m, m.{_key(other)} IN r[1] AS kept, collect(x) AS xs "
            "UNWIND CASE WHEN kept THEN tail(xs) ELSE xs END AS x DELETE x RETURN count(*) AS n"
        )
        for chunk in _chunks([[k, v] for k, v in keep.items()], self.size):
            self._send(q, chunk, None)
        self.flush()

    def rels(self, type_: str, rows: list[dict[str, Any]]) -> None:
        rel = RELS[type_]
        unique = {(r["from"], r["to"]): r for r in rows}  # the last row for a pair wins
        if not unique:
            return
        new_from = self.new.get(rel.source, set())
        new_to = self.new.get(rel.target, set())
        # Grouped by the endpoint with fewer distinct keys: it is looked up once per group.
        by_from = len({f for f, _ in unique}) <= len({t for _, t in unique})
        # (create?, columns) -> group key -> [[other key, *props]]
        groups: dict[tuple[bool, tuple[str, ...]], dict[Any, list[list[Any]]]] = {}
        for (f, t), row in unique.items():
            props = [p for p in row if p != "from" and p != "to"]
            fresh = f in new_from or t in new_to
            g, o = (f, t) if by_from else (t, f)
            groups.setdefault((fresh, tuple(props)), {}).setdefault(g, []).append(
                [o, *(row[p] for p in props)]
            )
        for (_, props), grouped in groups.items():
            for others in grouped.values():
                _dates_as_text(others, ("", *props), rel.props)

        def written(record: list[Any], expected: int, chunk: list[Any]) -> None:
            if record[0] < expected:  # more is fine: parallel duplicates MERGE matched
                pairs = [[g, o[0]] if by_from else [o[0], g] for g, others in chunk for o in others]
                missing = _missing_endpoints(self.tx, rel.source, rel.target, pairs)
                raise StoreError(
                    f"{type_}: no node for {missing}; nothing of the batch was written"
                )

        for (fresh, props), grouped in groups.items():
            q = _rel_statement(type_, by_from, fresh, props)
            for chunk, expected in _group_chunks(grouped, self.size):
                self._send(
                    q,
                    chunk,
                    lambda record, _, e=expected, c=chunk: written(record, e, c),
                )
                self.stats.rels_written += expected
        self.flush()

    # -- pipelining -------------------------------------------------------------------------
    def _send(self, query: str, rows: list[Any], check: Check | None) -> None:
        """Send a statement, then read the results of those sent before it: by the time the
        server answers the new RUN, it has finished the statements before."""
        result = self.tx.run(query, rows=rows)
        while self._pending:
            self._finish()
        self._pending.append((result, check))

    def _finish(self) -> None:
        result, check = self._pending.popleft()
        records = [r.values() for r in result]
        summary = result.consume()
        if check is not None:
            check(records[0] if records else [0], summary)

    def flush(self) -> None:
        while self._pending:
            self._finish()


def _rel_statement(type_: str, by_from: bool, fresh: bool, props: tuple[str, ...]) -> str:
    rel = RELS[type_]
    g_label, o_label = (rel.source, rel.target) if by_from else (rel.target, rel.source)
    g_node, o_node = ("a", "b") if by_from else ("b", "a")
    values = ", ".join(
        f"{check_identifier(p)}: {_value(rel.props, p, f'p[{i + 1}]')}" for i, p in enumerate(props)
    )
    t = check_identifier(type_)
    if fresh:
        write = f"CREATE (a)-[r:{t}" + (f" {{{values}}}" if values else "") + "]->(b)"
    else:
        write = f"MERGE (a)-[r:{t}]->(b) SET r = {{{values}}}"
    return (
        f"UNWIND $rows AS g MATCH ({g_node}:{check_identifier(g_label)} "
        f"{{{_key(g_label)}: g[0]}}) "
        f"UNWIND g[1] AS p MATCH ({o_node}:{check_identifier(o_label)} "
        f"{{{_key(o_label)}: p[0]}}) "
        f"{write} RETURN count(*) AS n"
    )


def _group_chunks(
    grouped: dict[Any, list[list[Any]]], size: int
) -> Iterable[tuple[list[list[Any]], int]]:
    """Chunks of ``[group key, [rows]]`` holding at most ``size`` rows in all; a large group is
    split across chunks."""
    chunk: list[list[Any]] = []
    n = 0
    for g, rows in grouped.items():
        start = 0
        while start < len(rows):
            take = rows[start : start + size - n]
            chunk.append([g, take])
            n += len(take)
            start += len(take)
            if n >= size:
                yield chunk, n
                chunk, n = [], 0
    if chunk:
        yield chunk, n


def _missing_endpoints(
    tx: neo4j.Transaction | neo4j.ManagedTransaction,
    source: str,
    target: str,
    pairs: list[list[Any]],
) -> str:
    q = (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (a:{check_identifier(source)} {{{_key(source)}: row[0]}}) "
        f"OPTIONAL MATCH (b:{check_identifier(target)} {{{_key(target)}: row[1]}}) "
        "WITH row, a, b WHERE a IS NULL OR b IS NULL "
        "RETURN CASE WHEN a IS NULL THEN row[0] ELSE row[1] END AS k LIMIT 3"
    )
    return ", ".join(repr(r["k"]) for r in tx.run(q, rows=pairs))


def _dates_as_text(rows: list[list[Any]], columns: tuple[str, ...], types: dict) -> None:
    """Dates go as ISO text that the statement turns back into dates with ``date()``: the
    driver packs a date through a Python hook, which costs more than the rest of the row."""
    at = [i for i, p in enumerate(columns) if types.get(p) is PropType.DATE]
    if not at:
        return
    for row in rows:
        for i in at:
            v = row[i]
            if v.__class__ is date:
                row[i] = v.isoformat()


def _value(types: dict, prop: str, expr: str) -> str:
    return f"date({expr})" if types.get(prop) is PropType.DATE else expr


def _key(label: str) -> str:
    return check_identifier(NODES[label].key)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
