"""Export a whole graph to a portable file and import it again, on any store.

The file is JSON Lines: a header, then one line per node and per relationship, with dates in
ISO form. Properties are read and written through the shared schema, so a graph moves from the
embedded store to Neo4j and back without losing a fact.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from kb.errors import FileError
from kb.render import to_jsonable
from kb.schema import NODES, RELS, PropType, check_identifier
from kb.store.base import GraphBatch, GraphStore

FORMAT = "kb-graph"
VERSION = 1


@dataclass
class TransferReport:
    path: str
    nodes: int
    relationships: int


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8")


def _node_rows(store: GraphStore, label: str) -> Iterator[dict[str, Any]]:
    node = NODES[label]
    cols = ", ".join(f"n.{check_identifier(p)} AS {p}" for p in node.props)
    q = f"MATCH (n:{check_identifier(label)}) RETURN {cols} ORDER BY n.{node.key}"
    yield from store.run(q).records()


def _rel_rows(store: GraphStore, type_: str) -> Iterator[dict[str, Any]]:
    rel = RELS[type_]
    src, dst = NODES[rel.source].key, NODES[rel.target].key
    cols = "".join(f", r.{check_identifier(p)} AS {p}" for p in rel.props)
    q = (
        f"MATCH (a:{check_identifier(rel.source)})-[r:{check_identifier(type_)}]->"
        f"(b:{check_identifier(rel.target)}) "
        f"RETURN a.{check_identifier(src)} AS `from`, b.{check_identifier(dst)} AS `to`{cols} "
        "ORDER BY `from`, `to`"
    )
    yield from store.run(q).records()


def export_graph(store: GraphStore, path: Path) -> TransferReport:
    """Write every node and relationship of `store` to `path` (``.gz`` compresses)."""
    nodes = rels = 0
    with _open(path, "w") as f:
        f.write(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
        for label in NODES:
            for row in _node_rows(store, label):
                props = {k: v for k, v in row.items() if v is not None}
                f.write(
                    json.dumps({"node": label, "props": to_jsonable(props)}, ensure_ascii=False)
                    + "\n"
                )
                nodes += 1
        for type_ in RELS:
            for row in _rel_rows(store, type_):
                props = {k: v for k, v in row.items() if v is not None and k not in ("from", "to")}
                line = {
                    "rel": type_,
                    "from": row["from"],
                    "to": row["to"],
                    "props": to_jsonable(props),
                }
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
                rels += 1
    return TransferReport(str(path), nodes, rels)


def read_graph(path: Path) -> GraphBatch:
    """Parse an export file into one batch; an unreadable line names the file and line."""
    shown = str(path)
    batch = GraphBatch()
    try:
        with _open(path, "r") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FileError(shown, n, None, f"not valid JSON: {exc.msg}") from None
                if n == 1:
                    if item.get("format") != FORMAT:
                        raise FileError(shown, 1, "format", f"not a {FORMAT} export file")
                    continue
                _add(batch, item, shown, n)
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise FileError(shown, None, None, f"cannot read the file: {exc}") from None
    return batch


def _add(batch: GraphBatch, item: dict[str, Any], shown: str, n: int) -> None:
    if "node" in item:
        label = item["node"]
        if label not in NODES:
            raise FileError(shown, n, "node", f"unknown label {label!r}")
        batch.add_node(label, _typed(NODES[label].props, item.get("props", {}), shown, n))
    elif "rel" in item:
        type_ = item["rel"]
        if type_ not in RELS:
            raise FileError(shown, n, "rel", f"unknown relationship type {type_!r}")
        props = _typed(RELS[type_].props, item.get("props", {}), shown, n)
        batch.add_rel(type_, item["from"], item["to"], **props)
    else:
        raise FileError(shown, n, None, "a line holds either a node or a rel")


def _typed(types: dict[str, PropType], props: dict[str, Any], shown: str, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in props.items():
        if k not in types:
            raise FileError(shown, n, k, "not a property of this label or type")
        try:
            out[k] = date.fromisoformat(v) if types[k] is PropType.DATE and v is not None else v
        except (TypeError, ValueError):
            raise FileError(shown, n, k, f"not an ISO date: {v!r}") from None
    return out


def import_graph(store: GraphStore, path: Path) -> TransferReport:
    """Load an export file into `store`, all or nothing; importing it twice changes nothing."""
    batch = read_graph(path)
    store.write_batch(batch)
    return TransferReport(
        str(path), sum(map(len, batch.nodes.values())), sum(map(len, batch.rels.values()))
    )
