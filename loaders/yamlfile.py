"""Reading a YAML knowledge-base file while remembering the line of every value.

Scalars are read as strings (YAML's BaseLoader) and typed later by the pydantic records, so
a field code such as 0724 keeps its leading zero instead of becoming an octal number.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.errors import FileError

Loc = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's parser gives the same nodes and marks about five times faster than pure Python.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass
class RawRecord:
    """One record of a file: its data, its first line and the line of each nested value.

    `data` is the record's JSON text when it comes from a JSON Lines file.
    """

    data: dict[str, Any] | str
    line: int
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest part of `loc` that the file has, else the record's line."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return self.line


def read_yaml(path: Path, kinds: Collection[str] | None = None) -> tuple[str, list[RawRecord]]:
    """Return the file's kind (its one top-level key) and its records.

    With `kinds`, a top-level key that is not one of them is an error at the key's line.
    """
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(shown, None, None, f"cannot read the file: {exc}") from exc
    return parse_yaml(text, shown, kinds)


def parse_yaml(
    text: str, shown: str, kinds: Collection[str] | None = None
) -> tuple[str, list[RawRecord]]:
    """`read_yaml` for text that is not in a file; errors name it `shown`."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise FileError(shown, line, None, f"not valid YAML: {problem}") from exc
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        line = root.start_mark.line + 1 if root is not None else 1
        raise FileError(
            shown,
            line,
            None,
            "a knowledge-base file has exactly one top-level key naming its kind "
            "(sources, institutions, networks, memberships, agreements or field_aliases)",
        )
    key_node, items = root.value[0]
    kind = key_node.value
    if kinds is not None and kind not in kinds:
        raise FileError(
            shown,
            key_node.start_mark.line + 1,
            None,
            f"unknown kind {kind!r}; expected one of: {', '.join(kinds)}",
        )
    if isinstance(items, yaml.ScalarNode) and items.value in _NULLS:
        return kind, []
    if not isinstance(items, yaml.SequenceNode):
        raise FileError(shown, items.start_mark.line + 1, kind, "expected a list of records")
    records = []
    for item in items.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise FileError(shown, line, None, "each record must be a mapping of field: value")
        lines: dict[Loc, int] = {}
        data = _value(item, (), lines)
        records.append(RawRecord(data, line, lines))
    return kind, records


def _value(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for k, v in node.value:
            out[k.value] = _value(v, (*loc, k.value), lines)
            lines[(*loc, k.value)] = k.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_value(v, (*loc, i), lines) for i, v in enumerate(node.value)]
    # A quoted scalar is always text; a plain one may be a null.
    if not node.style and node.value in _NULLS:  # plain style is None, or "" from libyaml
        return None
    return node.value
