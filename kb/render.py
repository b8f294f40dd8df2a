"""Rendering rows for people (tables) and for scripts (JSON, CSV); shared by CLI and API."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from rich.table import Table


def to_jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)


def cell(value: Any) -> str:
    """One value as table text: lists joined with '; ', dates in ISO form, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(value)


def table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> Table:
    t = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    for c in columns:
        t.add_column(c, overflow="fold")
    for row in rows:
        t.add_row(*(cell(v) for v in row))
    return t


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


# Columns whose lists are a sequence (a path) rather than a set, shown as a chain.
CHAINS = {"path"}


def cards(columns: list[str], rows: list[list[Any]], indent: str = "  ") -> str:
    """Rows as blocks of `column: value` lines: readable in a terminal when rows are wide.

    Empty values are left out; a blank line separates rows; a path reads as a → b → c.
    """
    width = max((len(c) for c in columns), default=0)
    blocks = []
    for row in rows:
        lines = [
            f"{indent}{c.replace('_', ' '):<{width}}  "
            + (" → ".join(map(cell, v)) if c in CHAINS and isinstance(v, list) else cell(v))
            for c, v in zip(columns, row, strict=True)
            if cell(v)
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
