"""Running a named query: coerce and resolve its parameters, bind them, run the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kb.errors import InvalidInput
from kb.queries.registry import REFERENCE_TYPES, NamedQuery, Param, default_value, registry
from kb.resolve import Resolver, shared_resolver
from kb.store.base import GraphStore, QueryResult


@dataclass
class Answer:
    query: NamedQuery
    params: dict[str, Any]
    result: QueryResult

    def records(self) -> list[dict[str, Any]]:
        return self.result.records()


def run_named(
    store: GraphStore,
    name: str,
    params: dict[str, Any] | None = None,
    resolver: Resolver | None = None,
) -> Answer:
    """Run the named query with `params` (strings are coerced to the declared types)."""
    query = registry().get(name)
    bound = bind_params(query, params or {}, resolver or shared_resolver(store))
    result = store.run(query.text_for(store.dialect), bound, read_only=True)
    return Answer(query, bound, result)


def bind_params(query: NamedQuery, given: dict[str, Any], resolver: Resolver) -> dict[str, Any]:
    """Check names, fill defaults, coerce types and resolve references."""
    known = {p.name for p in query.params}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(
            f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters: {', '.join(sorted(known)) or 'none'}"
        )
    bound: dict[str, Any] = {}
    for p in query.params:
        value = given.get(p.name)
        if value is None or value == "":
            if p.required:
                raise InvalidInput(
                    f"query {query.name!r} needs the parameter {p.name!r} ({p.type})"
                )
            value = default_value(p)
        bound[p.name] = None if value is None else coerce(p, value, resolver)
    return bound


def coerce(p: Param, value: Any, resolver: Resolver) -> Any:
    try:
        if p.type in REFERENCE_TYPES:
            return resolver.resolve(p.type, str(value))
        if p.type == "int":
            return int(value)
        if p.type == "float":
            return float(value)
        if p.type == "bool":
            return _bool(value)
        if p.type == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        return str(value)
    except ValueError as exc:
        raise InvalidInput(f"parameter {p.name!r} must be a {p.type}: {exc}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    raise ValueError(f"{value!r} is not true or false")
