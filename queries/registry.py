"""Named queries: one ``.cypher`` file each, declared as data and checked when loaded.

A file starts with a comment header::

    // title: Partners sharing a field
    // description: Partners of an institution whose agreements with it cover a field.
    // param institution: institution
    // param field: field
    // param status: string = null

Parameter types: ``string``, ``int``, ``float``, ``bool``, ``date``, and the reference types
``institution``, ``network`` and ``field``, whose values may be any id, name, alias, acronym or
(for fields) ISCED-F code or name, and which reach the query as the record's key. A parameter
with a default is optional; ``= null`` makes it absent unless given. ``= today`` is the
current date. Text after ``--`` on a param line is its help.

A store whose dialect differs puts a file of the same name in its adapter's ``queries/``
folder; that text replaces the shared one on that store and must use the same parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from kb.errors import InvalidInput, NotFound

PARAM_TYPES = ("string", "int", "float", "bool", "date", "institution", "network", "field")
REFERENCE_TYPES = ("institution", "network", "field")
_HEADER = re.compile(r"^//\s*(title|description|param)\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>[a-z]+)"
    r"(?:\s*=\s*(?P<default>[^-]*?))?\s*(?:--\s*(?P<help>.*))?$"
)
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    default: Any = None
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    variants: dict[str, str] = field(default_factory=dict)

    def text_for(self, dialect: str) -> str:
        return self.variants.get(dialect, self.text)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def parse_query(name: str, text: str, origin: str) -> NamedQuery:
    """Parse a query file's header; raise InvalidInput naming `origin` when it is wrong."""
    title = description = ""
    params: list[Param] = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip() and not line.strip().startswith("//"):
                break
            continue
        key, value = m.groups()
        if key == "title":
            title = value.lstrip(": ").strip()
        elif key == "description":
            description = value.lstrip(": ").strip()
        else:
            params.append(_parse_param(value.strip(), origin))
    if not _NAME.match(name):
        raise InvalidInput(f"{origin}: query names are lower-case words joined by '-'")
    if not title or not description:
        raise InvalidInput(f"{origin}: the header needs a '// title:' and a '// description:'")
    _check_params(params, text, origin)
    return NamedQuery(name, title, description, tuple(params), text)


def _parse_param(spec: str, origin: str) -> Param:
    m = _PARAM.match(spec)
    if not m or m["type"] not in PARAM_TYPES:
        raise InvalidInput(
            f"{origin}: bad param line {spec!r}; use 'name: type [= default] [-- help]' "
            f"with a type among {', '.join(PARAM_TYPES)}"
        )
    default_text = m["default"]
    required = default_text is None
    default = None if required or default_text == "null" else default_text
    return Param(m["name"], m["type"], required, default, (m["help"] or "").strip())


def used_params(text: str) -> set[str]:
    """The ``$names`` a query uses, ignoring comments and string literals."""
    stripped = re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)
    stripped = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", stripped)
    return set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", stripped))


def _check_params(params: list[Param], text: str, origin: str) -> None:
    declared = [p.name for p in params]
    if len(set(declared)) != len(declared):
        raise InvalidInput(f"{origin}: a parameter is declared twice")
    used = used_params(text)
    if set(declared) != used:
        missing, unused = sorted(used - set(declared)), sorted(set(declared) - used)
        raise InvalidInput(
            f"{origin}: declared parameters do not match the $names in the text "
            f"(used but not declared: {missing or 'none'}; declared but unused: {unused or 'none'})"
        )


class Registry:
    """All named queries, loaded once from the package, keyed by name."""

    def __init__(self, queries: dict[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, self._queries, n=3, cutoff=0.5)
            raise NotFound(f"no named query {name!r}.", close) from None


def _variant_packages() -> dict[str, str]:
    # Each store adapter may keep dialect variants beside its code; see kb.store.*.queries.
    return {"embedded": "kb.store.embedded", "neo4j": "kb.store.neo4j"}


@cache
def registry() -> Registry:
    queries: dict[str, NamedQuery] = {}
    for f in sorted(resources.files("kb.queries").iterdir(), key=lambda p: p.name):
        if f.name.endswith(".cypher"):
            name = f.name.removesuffix(".cypher")
            queries[name] = parse_query(name, f.read_text(encoding="utf-8"), f"queries/{f.name}")
    for dialect, package in _variant_packages().items():
        folder = resources.files(package).joinpath("queries")
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            if not f.name.endswith(".cypher"):
                continue
            name = f.name.removesuffix(".cypher")
            origin = f"{package}/queries/{f.name}"
            if name not in queries:
                raise InvalidInput(f"{origin}: a variant of an unknown query {name!r}")
            text = f.read_text(encoding="utf-8")
            _check_params(list(queries[name].params), text, origin)
            queries[name].variants[dialect] = text
    return Registry(queries)


def default_value(p: Param) -> Any:
    if p.default == "today":
        return date.today()
    return p.default
