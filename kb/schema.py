"""The graph schema, derived from the models in `kb.model`.

Every store adapter builds its schema from this (DDL on the embedded store, constraints on
Neo4j), and it is the allow-list that labels, relationship types and property names are
checked against before they reach query text.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum

from pydantic import BaseModel

from kb import model as m


class PropType(StrEnum):
    STRING = "STRING"
    STRINGS = "STRING[]"
    DATE = "DATE"
    INT = "INT64"
    FLOAT = "DOUBLE"
    BOOL = "BOOLEAN"


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    props: dict[str, PropType]


@dataclass(frozen=True)
class RelType:
    type: str
    source: str
    target: str
    props: dict[str, PropType]


def _prop_type(annotation: object) -> PropType:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return _prop_type(args[0])
    if typing.get_origin(annotation) is list:
        return PropType.STRINGS
    if isinstance(annotation, type):
        if issubclass(annotation, Enum | str):
            return PropType.STRING
        if issubclass(annotation, bool):
            return PropType.BOOL
        if issubclass(annotation, int):
            return PropType.INT
        if issubclass(annotation, float):
            return PropType.FLOAT
        if issubclass(annotation, date):
            return PropType.DATE
    raise TypeError(f"no store type for {annotation!r}")


def props_of(model: type[BaseModel]) -> dict[str, PropType]:
    hints = typing.get_type_hints(model)
    return {name: _prop_type(hints[name]) for name in model.model_fields}


def _node(model: type[BaseModel], key: str, *extra: type[BaseModel]) -> NodeType:
    props = props_of(model)
    for more in extra:
        props.update(props_of(more))
    return NodeType(model.__name__, key, props)


NODES: dict[str, NodeType] = {
    n.label: n
    for n in [
        _node(m.Country, "iso2"),
        _node(m.Discipline, "code"),
        _node(m.Source, "id"),
        _node(m.Institution, "id", m.InstitutionScores),
        _node(m.Network, "id"),
        _node(m.Agreement, "id"),
    ]
}

# Evidence-carrying relationships keep their source ids as a list property: a relationship
# cannot point at a Source node, and reifying each one as a node would double the graph.
RELS: dict[str, RelType] = {
    r.type: r
    for r in [
        RelType("LOCATED_IN", "Institution", "Country", props_of(m.NoProps)),
        RelType("PART_OF", "Institution", "Institution", props_of(m.NoProps)),
        RelType("MEMBER_OF", "Institution", "Network", props_of(m.MemberOf)),
        RelType("FOCUSES_ON", "Network", "Discipline", props_of(m.FocusesOn)),
        RelType("STRONG_IN", "Institution", "Discipline", props_of(m.StrongIn)),
        RelType("PARTY_TO", "Institution", "Agreement", props_of(m.PartyTo)),
        RelType("COVERS", "Agreement", "Discipline", props_of(m.Covers)),
        RelType("REPORTED_IN", "Agreement", "Source", props_of(m.NoProps)),
        RelType("SUBFIELD_OF", "Discipline", "Discipline", props_of(m.NoProps)),
    ]
}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KNOWN = (
    set(NODES)
    | set(RELS)
    | {p for n in NODES.values() for p in n.props}
    | {p for r in RELS.values() for p in r.props}
)


def check_identifier(name: str) -> str:
    """Return `name` if it is a known label, relationship type or property; raise otherwise.

    Labels, types and property names cannot be bound as parameters, so every one that
    reaches query text passes through here first.
    """
    if not _IDENT.match(name) or name not in _KNOWN:
        raise ValueError(f"not a schema identifier: {name!r}")
    return name
