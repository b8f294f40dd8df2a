"""Turn driver values into the plain Python values every store returns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Values already plain: checked by exact type first, since a projection of a million rows
# spends seconds in the general case.
_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})


def plain_row(row: list[Any]) -> list[Any]:
    """`plain` of each value of a result row."""
    return [v if type(v) in _PLAIN else plain(v) for v in row]


def plain(value: Any) -> Any:
    """Normalise one result value so both stores give equal answers for equal data."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return plain_row(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    return value
