"""Loading knowledge-base files: parse and validate purely, then write one file per batch."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kb import model as m
from kb.errors import FileError, KBError
from kb.loaders import bulk
from kb.loaders import records as r
from kb.loaders.countries import country_code
from kb.loaders.jsonlines import is_jsonl, kind_of, read_jsonl
from kb.loaders.reference import ensure_reference
from kb.loaders.yamlfile import Loc, RawRecord, parse_yaml, read_yaml
from kb.names import normalize, union
from kb.resolve import Entry, Resolver
from kb.store.base import GraphBatch, GraphStore, WriteStats


@dataclass
class ParsedFile:
    path: Path
    kind: str
    items: list[tuple[Any, RawRecord]]


@dataclass
class LoadReport:
    path: str
    kind: str
    records: int
    stats: WriteStats = field(default_factory=WriteStats)


def parse_file(path: Path) -> ParsedFile:
    """Read and validate one file (YAML, or JSON Lines) without touching any store."""
    kind, raws = read_jsonl(path, r.RECORDS) if is_jsonl(path) else read_yaml(path, r.RECORDS)
    return _validate(path, kind, raws)


def parse_text(text: str, name: str) -> ParsedFile:
    """`parse_file` for a document that is not in a file (an upload); errors name it `name`."""
    kind, raws = parse_yaml(text, name, r.RECORDS)
    return _validate(Path(name), kind, raws)


def parsed_records(kind: str, rows: list[dict[str, Any]], name: str) -> ParsedFile:
    """Validate records given as data (an API request body) as a file named `name` would be."""
    raws = [RawRecord(row, n, {}) for n, row in enumerate(rows, start=1)]
    return _validate(Path(name), kind, raws)


def load_parsed(store: GraphStore, parsed: ParsedFile) -> LoadReport:
    """Write an already parsed file, all or nothing (loading reference data first if needed)."""
    ensure_reference(store)
    resolver = Resolver(store)
    stats = store.write_batch(build_batch(parsed, resolver))
    return LoadReport(str(parsed.path), parsed.kind, len(parsed.items), stats)


def _validate(path: Path, kind: str, raws: list[RawRecord]) -> ParsedFile:
    model = r.RECORDS.get(kind)
    if model is None:
        raise FileError(
            str(path),
            1,
            None,
            f"unknown kind {kind!r}; expected one of: {', '.join(r.RECORDS)}",
        )
    items = []
    seen: dict[str, int] = {}
    for raw in raws:
        try:
            if isinstance(raw.data, str):
                record = model.model_validate_json(raw.data)
            else:
                record = model.model_validate(raw.data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = tuple(err["loc"])
            raise FileError(
                str(path), raw.line_of(loc), _dotted(loc) or None, _message(err)
            ) from None
        key = getattr(record, "id", None)
        if key is not None:
            if key in seen:
                raise FileError(
                    str(path),
                    raw.line_of(("id",)),
                    "id",
                    f"duplicate id {key!r} (first used on line {seen[key]})",
                )
            seen[key] = raw.line_of(("id",))
        items.append((record, raw))
    return ParsedFile(path, kind, items)


def load_file(store: GraphStore, path: Path, resolver: Resolver | None = None) -> LoadReport:
    """Parse, resolve and write one file, all or nothing."""
    resolver = resolver or Resolver(store)
    # A clean JSON Lines agreements file takes the columnar fast path, for the same batch;
    # any other file, or any fault, takes this one, which names the error's line and field.
    fast = bulk.agreements_batch(path, resolver)
    if fast is not None:
        kind, (count, batch) = bulk.KIND, fast
    else:
        parsed = parse_file(path)
        kind, count, batch = parsed.kind, len(parsed.items), build_batch(parsed, resolver)
    with bulk.gc_paused():
        stats = store.write_batch(batch)
    resolver.written(deleted=bool(batch.delete))
    return LoadReport(str(path), kind, count, stats)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the knowledge-base files of folders named, in an order references
    resolve in (by kind, then by name, so `agreements-0002.jsonl` follows `-0001`)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for pattern in _PATTERNS for f in p.glob(pattern) if f.is_file()))
        else:
            files.append(p)
    return sorted(files, key=lambda f: (_kind_rank(f), f.name))


_PATTERNS = ("*.yaml", "*.yml", "*.jsonl", "*.ndjson")


def _kind_rank(path: Path) -> int:
    if is_jsonl(path):
        kind = kind_of(path)
    else:
        kind = _yaml_kind(path)
        if kind is None:
            return -1  # a file that does not start like one is reported first
    return r.LOAD_ORDER.index(kind) if kind in r.LOAD_ORDER else len(r.LOAD_ORDER)


_TOP_KEY = re.compile(r"([a-z_]+)\s*:")


def _yaml_kind(path: Path) -> str | None:
    """The kind a YAML file's first top-level key names, read without parsing the file
    (it is parsed once, when loaded); None if it does not start like a knowledge-base file."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip() or line.startswith(("#", "---")):
                    continue
                match = _TOP_KEY.match(line)
                return match.group(1) if match else None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def load_paths(store: GraphStore, paths: list[Path]) -> list[LoadReport]:
    """Load knowledge-base files and folders, each file all-or-nothing, in reference order.

    Countries and disciplines are loaded first if the store has none, since files refer
    to them. A failing file raises after the files before it were written.
    """
    ensure_reference(store)
    resolver = Resolver(store)
    files = expand_paths(paths)
    with bulk.reading_ahead(files):  # reads the next agreements file while one is written
        return [load_file(store, f, resolver) for f in files]


# -- from records to a batch --------------------------------------------------------------
def build_batch(parsed: ParsedFile, resolver: Resolver) -> GraphBatch:
    """Resolve every reference of a parsed file and turn it into one GraphBatch."""
    builder = _BUILDERS[parsed.kind]
    batch = GraphBatch()
    builder(parsed, resolver, batch)
    return batch


class _Ref:
    """Resolves references of one record, turning failures into errors at its line."""

    def __init__(self, parsed: ParsedFile, raw: RawRecord, resolver: Resolver) -> None:
        self.path, self.raw, self.resolver = str(parsed.path), raw, resolver

    def __call__(self, kind: str, value: str, loc: Loc) -> str:
        try:
            if kind == "country":
                return country_code(value)
            return self.resolver.resolve(kind, value)
        except KBError as exc:
            raise FileError(self.path, self.raw.line_of(loc), _dotted(loc), str(exc)) from None

    def sources(self, ids: list[str], loc: Loc = ("sources",)) -> list[str]:
        return [self("source", s, (*loc, i)) for i, s in enumerate(ids)]


def _node_props(record: BaseModel, node_model: type[BaseModel]) -> dict[str, Any]:
    return record.model_dump(include=set(node_model.model_fields), mode="python")


def _sources(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    resolver.add("source", [Entry(rec.id, rec.title) for rec, _ in parsed.items])
    for rec, _ in parsed.items:
        batch.add_node("Source", _node_props(rec, m.Source))


def _institutions(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    ids = [rec.id for rec, _ in parsed.items]
    absorbed = _absorb_list_entries(parsed, resolver, batch)
    resolver.add(
        "institution",
        [
            Entry(rec.id, rec.name, [*rec.aliases, *rec.acronyms, *rec.former_names], rec.domains)
            for rec, _ in parsed.items
        ],
    )
    listed = _list_facts(resolver.store, [*ids, *(e.key for e in absorbed.values())])
    for rec, raw in parsed.items:
        ref = _Ref(parsed, raw, resolver)
        props = _node_props(rec, m.Institution)
        # The file owns its own facts; what the world-universities list added stays.
        mine = listed.get(rec.id, {})
        list_names, list_domains = mine.get("names", []), mine.get("domains", [])
        website = mine.get("website")
        extra = absorbed.get(rec.id)
        if extra:
            list_names = union(list_names, [extra.name, *extra.names])
            list_domains = union(list_domains, extra.domains)
            website = website or listed.get(extra.key, {}).get("website")
        own = {normalize(n) for n in [rec.name, *rec.aliases, *rec.acronyms, *rec.former_names]}
        props["list_names"], props["list_domains"] = list_names, list_domains
        props["list_website"] = website
        props["domains"] = union(rec.domains, list_domains)
        props["aliases"] = union(rec.aliases, [n for n in list_names if normalize(n) not in own])
        props["website"] = rec.website or website
        props["sources"] = ref.sources(rec.sources)
        batch.add_node("Institution", props)
        if rec.country:
            batch.add_rel("LOCATED_IN", rec.id, ref("country", rec.country, ("country",)))
        if rec.part_of:
            batch.add_rel("PART_OF", rec.id, ref("institution", rec.part_of, ("part_of",)))
        strong: dict[str, dict[str, Any]] = {}
        for i, s in enumerate(rec.strengths):
            _merge_evidence(
                strong,
                ref("field", s.field, ("strengths", i, "field")),
                label=s.field,
                note=s.note,
                evidence=s.evidence,
                sources=ref.sources(s.sources, ("strengths", i, "sources")),
            )
        for code, props in strong.items():
            batch.add_rel("STRONG_IN", rec.id, code, **props)
    for t in ("LOCATED_IN", "PART_OF", "STRONG_IN"):
        batch.replace.append((t, "from", ids))


def _list_facts(store: GraphStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id -> the names, domains and website the world-universities list gave an institution."""
    rows = store.run(
        "UNWIND $ids AS k MATCH (n:Institution) WHERE n.id = k "
        "RETURN n.id AS id, n.list_names AS names, n.list_domains AS domains, "
        "n.list_website AS website",
        {"ids": ids},
    ).records()
    return {
        r["id"]: {"names": r["names"] or [], "domains": r["domains"] or [], "website": r["website"]}
        for r in rows
    }


def _absorb_list_entries(
    parsed: ParsedFile, resolver: Resolver, batch: GraphBatch
) -> dict[str, Entry]:
    """Merge nodes that came from the world-universities list into the file's institutions.

    A list entry loaded before the knowledge base is the same institution under a list id;
    it is replaced by the file's record, which takes over its domains and keeps its name as
    an alias. Only list entries are merged this way: records from files are never merged.
    Matches are by the record's own domains and names, never by fuzzy similarity.
    """
    known = resolver.entries("institution")
    absorbed: dict[str, Entry] = {}
    for rec, raw in parsed.items:
        if rec.id in known:
            continue
        candidates: set[str] = set()
        for d in rec.domains:
            candidates |= resolver.by_domain("institution", d)
        ref = _Ref(parsed, raw, resolver)
        country = ref("country", rec.country, ("country",)) if rec.country else None
        for name in [rec.name, *rec.aliases, *rec.former_names]:
            # Names repeat across countries ("City University"); a name match must agree.
            candidates |= {
                k
                for k in resolver.by_name("institution", name)
                if known[k].country is None or known[k].country == country
            }
        listed = sorted(
            (known[k] for k in candidates if known[k].origin == "world-universities"),
            key=lambda e: e.key,
        )
        if listed:
            # The list holds some institutions twice (old and new domain); all are this one.
            absorbed[rec.id] = Entry(
                listed[0].key,
                listed[0].name,
                [e.name for e in listed[1:]],
                [d for e in listed for d in e.domains],
            )
            batch.delete.setdefault("Institution", []).extend(e.key for e in listed)
    return absorbed


def _networks(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    resolver.add(
        "network",
        [Entry(rec.id, rec.name, [*rec.aliases, *rec.acronyms]) for rec, _ in parsed.items],
    )
    for rec, raw in parsed.items:
        ref = _Ref(parsed, raw, resolver)
        props = _node_props(rec, m.Network)
        props["sources"] = ref.sources(rec.sources)
        batch.add_node("Network", props)
        focus: dict[str, dict[str, Any]] = {}
        for i, f in enumerate(rec.focuses_on):
            loc = ("focuses_on", i)
            proposer = (
                ref("institution", f.proposed_by, (*loc, "proposed_by")) if f.proposed_by else None
            )
            _merge_evidence(
                focus,
                ref("field", f.field, (*loc, "field")),
                label=f.field,
                evidence=f.evidence,
                status=f.status,
                proposed_by=proposer,
                sources=ref.sources(f.sources, (*loc, "sources")),
            )
        for code, props in focus.items():
            batch.add_rel("FOCUSES_ON", rec.id, code, **props)
    batch.replace.append(("FOCUSES_ON", "from", [rec.id for rec, _ in parsed.items]))


def _memberships(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    for rec, raw in parsed.items:
        ref = _Ref(parsed, raw, resolver)
        batch.add_rel(
            "MEMBER_OF",
            ref("institution", rec.institution, ("institution",)),
            ref("network", rec.network, ("network",)),
            role=rec.role,
            since=rec.since,
            since_year=rec.since_year or (rec.since.year if rec.since else None),
            sources=ref.sources(rec.sources),
            evidence=rec.evidence,
        )


def _agreements(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    ids = [rec.id for rec, _ in parsed.items]
    for rec, raw in parsed.items:
        ref = _Ref(parsed, raw, resolver)
        props = _node_props(rec, m.Agreement)
        if rec.signed_on and not rec.signed_year:
            props["signed_year"] = rec.signed_on.year
        if rec.valid_from and not rec.valid_from_year:
            props["valid_from_year"] = rec.valid_from.year
        batch.add_node("Agreement", props)
        for i, p in enumerate(rec.parties):
            party = ref("institution", p.institution, ("parties", i, "institution"))
            batch.add_rel("PARTY_TO", party, rec.id, role=p.role)
        covered: dict[str, list[str]] = {}
        for i, f in enumerate(rec.fields):
            covered.setdefault(ref("field", f, ("fields", i)), []).append(f)
        for code, labels in covered.items():
            batch.add_rel("COVERS", rec.id, code, label="; ".join(labels))
        for source in ref.sources(rec.sources):
            batch.add_rel("REPORTED_IN", rec.id, source)
    batch.replace += [
        ("PARTY_TO", "to", ids),
        ("COVERS", "from", ids),
        ("REPORTED_IN", "from", ids),
    ]


def _field_aliases(parsed: ParsedFile, resolver: Resolver, batch: GraphBatch) -> None:
    fields = resolver.entries("field")
    added: dict[str, list[str]] = {}
    for rec, raw in parsed.items:
        if rec.code not in fields:
            raise FileError(
                str(parsed.path),
                raw.line_of(("code",)),
                "code",
                f'{rec.code!r} is not an ISCED-F 2013 code (quote codes such as "0724")',
            )
        added.setdefault(rec.code, []).append(rec.alias)
    for code, aliases in added.items():
        current = list(fields[code].names)
        batch.add_node("Discipline", {"code": code, "aliases": union(current, aliases)})


def _merge_evidence(into: dict[str, dict[str, Any]], code: str, **props: Any) -> None:
    """Entries of one record that name the same ISCED code (Naval Architecture and Space
    Technology are both 0716) become one relationship carrying every label, note, quote and
    source."""
    have = into.get(code)
    if have is None:
        into[code] = props
        return
    for key in ("label", "note", "evidence"):
        parts = [p for p in (have.get(key), props.get(key)) if p]
        have[key] = "; ".join(dict.fromkeys(parts)) or None
    have["sources"] = union(have["sources"], props["sources"])


_BUILDERS: dict[str, Callable[[ParsedFile, Resolver, GraphBatch], None]] = {
    "sources": _sources,
    "institutions": _institutions,
    "networks": _networks,
    "memberships": _memberships,
    "agreements": _agreements,
    "field_aliases": _field_aliases,
}


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (see docs/kb-format.md for the fields of each kind)"
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "json_invalid":
        # pydantic counts lines within the record's one line; the file line is given already.
        return (
            "not valid JSON (" + re.sub(r" at line \d+ column \d+$", "", err["ctx"]["error"]) + ")"
        )
    if err["type"] == "model_type":
        return "each line must be one JSON object (a record)"
    msg = err["msg"]
    if err["type"] == "enum":
        return msg.replace("Input should be", "must be")
    return msg.removeprefix("Value error, ")
