"""Running a named query: coerce and resolve its parameters, bind them, run the text.

Before it runs, ``$p IS NULL`` and ``$p IS NOT NULL`` are folded to ``true`` or ``false`` for
the optional parameters, by whether each was given. Values stay bound; only which filters
apply is fixed, as a query written for that case would fix it. Both planners then see
``x.id = $institution OR false`` and start from the one institution instead of scanning every
agreement (230 ms → 30 ms for a hub at 1M agreements on LadybugDB).
"""

from __future__ import annotations

import re
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
    text = fold_nulls(query.text_for(store.dialect), bound)
    result = store.run(text, bound, read_only=True)
    return Answer(query, bound, result)


_NULL_TEST = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\s+IS\s+(NOT\s+)?NULL\b", re.IGNORECASE)


def fold_nulls(text: str, bound: dict[str, Any]) -> str:
    """`text` with each ``$p IS [NOT] NULL`` of a bound parameter replaced by its truth value.

    >>> fold_nulls("WHERE (x.id = $i OR $i IS NULL)", {"i": "tsinghua"})
    'WHERE (x.id = $i OR false)'
    """

    def fold(m: re.Match[str]) -> str:
        if m[1] not in bound:
            return m[0]
        is_null = bound[m[1]] is None
        return "true" if is_null != bool(m[2]) else "false"

    return _NULL_TEST.sub(fold, text)


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
            number = int(value)
            if number < 0:  # counts, pages and spans of days: never negative
                raise ValueError(f"{number} is negative")
            return number
        if p.type == "float":
            return float(value)
        if p.type == "bool":
            return _bool(value)
        if p.type == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        return str(value)
    except ValueError as exc:
        article = "an" if p.type[0] in "aeiou" else "a"
        raise InvalidInput(f"parameter {p.name!r} must be {article} {p.type}: {exc}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    raise ValueError(f"{value!r} is not true or false")
