"""What the bulk path (loaders/bulk.py) knows of the agreement record model, derived from it.

Each field of `AgreementRecord` becomes a `Column`: its shape (str, enum, date, int, list of
str, list of records), whether it is required or nullable, its default and its constraints
(pattern, lengths, ranges) as the field metadata states them, and for enums and dates a
pydantic validator of the field alone. A model this cannot describe exactly — another type,
constraint, alias, config or validator — sets UNSUPPORTED, and the bulk path stays off: it
must never check less than the model does.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, TypeAdapter, create_model

from kb.loaders import records as r

KIND = "agreements"
RECORD = r.RECORDS[KIND]
# The model validators bulk.py repeats (`_check_dates`); any other one turns the bulk path off.
_REPEATED_VALIDATORS = {"_dates"}
_CONFIG = {"extra": "forbid", "use_enum_values": True}

# The constraints checked on whole columns, per shape of field.
_LENGTHS = {"min_length", "max_length"}
_LIMITS = {
    "str": {*_LENGTHS, "pattern"},
    "int": {"ge", "le", "gt", "lt"},
    "strs": _LENGTHS,
    "records": _LENGTHS,
    "enum": set(),
    "date": set(),
}


class _Unsupported(Exception):
    pass


@dataclass
class Column:
    """One field of the record model, as the bulk path reads and checks it."""

    name: str
    shape: str  # str | enum | date | int | strs | records
    required: bool
    nullable: bool
    info: Any
    limits: dict[str, Any] = field(default_factory=dict)
    sub: list[Column] = field(default_factory=list)
    probe: TypeAdapter[Any] | None = None  # the field alone, to validate values as pydantic

    def default(self) -> Any:
        """What pydantic gives an absent field (`FieldInfo.get_default`, minus its cost)."""
        if self.info.default_factory is not None:
            return self.info.default_factory()
        value = self.info.default
        return copy.deepcopy(value) if isinstance(value, list | dict | set) else value


def _limits(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in info.metadata:
        found = (
            {a.name: getattr(meta, a.name) for a in dataclasses.fields(meta)}
            if dataclasses.is_dataclass(meta)
            else vars(meta)
        )
        attrs = {k: v for k, v in found.items() if v is not None}
        if not set(attrs) <= {"min_length", "max_length", "pattern", "ge", "le", "gt", "lt"}:
            raise _Unsupported(f"{info}: constraint {meta!r}")
        out.update(attrs)
    return out


def _fields(model: type[BaseModel]) -> list[Column]:
    if dict(model.model_config) != _CONFIG:
        raise _Unsupported(f"{model.__name__}: config {model.model_config}")
    hints = typing.get_type_hints(model)
    out = []
    for name, info in model.model_fields.items():
        if info.alias or info.validation_alias or info.default_factory_takes_validated_data:
            raise _Unsupported(f"{model.__name__}.{name}: alias or data-dependent default")
        annotation = hints[name]
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = isinstance(annotation, types.UnionType) and len(args) == 1
        base = args[0] if nullable else annotation
        if nullable and info.get_default(call_default_factory=True) is not None:
            raise _Unsupported(f"{name}: null and absent would differ")
        f = Column(name, "", info.is_required(), nullable, info, _limits(info))
        if isinstance(base, type) and issubclass(base, Enum):
            f.shape = "enum"
        elif base is str:
            f.shape = "str"
        elif base is date:
            f.shape = "date"
        elif base is int:
            f.shape = "int"
        elif typing.get_origin(base) is list and typing.get_args(base) == (str,):
            f.shape = "strs"
        elif typing.get_origin(base) is list and _is_model(item := typing.get_args(base)[0]):
            _validators(item, set())
            f.shape, f.sub = "records", _fields(item)
        else:
            raise _Unsupported(f"{name}: type {annotation!r}")
        if not set(f.limits) <= _LIMITS[f.shape]:
            raise _Unsupported(f"{name}: constraints {f.limits} on a {f.shape}")
        if f.shape in ("enum", "date"):
            fields: Any = {name: (annotation, info)}
            alone = create_model(f"_{name}", __config__=model.model_config, **fields)
            f.probe = TypeAdapter(list[alone])  # type: ignore[valid-type]
        out.append(f)
    return out


def _is_model(item: Any) -> bool:
    return isinstance(item, type) and issubclass(item, BaseModel)


def _validators(model: type[BaseModel], repeated: set[str]) -> None:
    found = model.__pydantic_decorators__
    if set(found.model_validators) != repeated or any(
        getattr(found, kind)
        for kind in ("validators", "field_validators", "root_validators", "computed_fields")
    ):
        raise _Unsupported(f"{model.__name__}: validators other than those bulk.py repeats")


def describe(
    model: type[BaseModel], repeated: set[str] = _REPEATED_VALIDATORS
) -> tuple[list[Column], str | None]:
    """The columns of a record model, or no columns and why the bulk path cannot check it."""
    try:
        _validators(model, repeated)
        return _fields(model), None
    except _Unsupported as exc:
        return [], str(exc)


FIELDS, UNSUPPORTED = describe(RECORD)  # UNSUPPORTED says why the bulk path is off, else None


def _arrow_type(f: Column) -> pa.DataType:
    if f.shape == "int":
        return pa.int64()
    if f.shape == "strs":
        return pa.list_(pa.string())
    if f.shape == "records":
        return pa.list_(pa.struct([(s.name, _arrow_type(s)) for s in f.sub]))
    return pa.string()  # str, enum, and dates (parsed by pydantic, per distinct value)


SCHEMA = pa.schema([(f.name, _arrow_type(f)) for f in FIELDS])
