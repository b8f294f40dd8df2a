"""The review file: proposals from articles as knowledge-base records, each with `accept`;
applying it writes the accepted ones through the knowledge-base loaders in one batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.errors import InvalidInput
from kb.ingest.extract import AgreementFact, Extraction, NewNetwork
from kb.ingest.spans import institution_kind
from kb.loaders import kbfiles
from kb.loaders.records import LOAD_ORDER
from kb.loaders.reference import ensure_reference
from kb.names import union
from kb.resolve import Resolver
from kb.store.base import GraphBatch, GraphStore, WriteStats

SECTIONS = (
    "sources",
    "institutions",
    "networks",
    "mentions",
    "memberships",
    "focus_areas",
    "agreements",
)
_REVIEW_KEYS = {"accept", "confidence", "known"}
HEADER = """\
# kb ingest review file (see docs/ingest.md). Each proposal has `accept: true|false`:
# true for what the text states plainly, false for what is unsure, new or already known.
# Edit freely, then write the accepted proposals with:  kb ingest --apply THIS_FILE
# `mentions` lists the known institutions each article names; it is never written.
# `institutions` and `networks` are names the store lacks: check them before accepting.
"""


@dataclass
class ApplyReport:
    path: str
    written: dict[str, int] = field(default_factory=dict)
    stats: WriteStats = field(default_factory=WriteStats)


def review_document(store: GraphStore, extractions: list[Extraction]) -> dict[str, list]:
    """The review file's content for what was extracted from some articles."""
    resolver = Resolver(store)
    known = _Known(store)
    doc: dict[str, list] = {s: [] for s in SECTIONS}
    agreements: dict[tuple[frozenset[str], str], tuple[AgreementFact, list[str]]] = {}
    for ex in extractions:
        a, src = ex.article, ex.article.source_id
        if any(d["id"] == src for d in doc["sources"]):  # two articles with one title
            src = f"{src}-{len(doc['sources']) + 1}"
        doc["sources"].append(
            {
                "id": src,
                "title": a.title,
                "author": a.author,
                "url": a.url,
                "published_on": a.published_on,
                "document": a.document,
            }
        )
        for inst in ex.institutions:
            if inst.key is None:
                new_id = next((k for k, n in ex.new_names.items() if n == inst.name), None)
                if new_id and all(i["id"] != new_id for i in doc["institutions"]):
                    doc["institutions"].append(
                        _new_institution(new_id, inst.name, src, inst.evidence)
                    )
                continue
            doc["mentions"].append(
                {
                    "institution": inst.key,
                    "name": inst.name,
                    "confidence": "high" if inst.confident else f"close name ({inst.score:.2f})",
                    "sources": [src],
                    "evidence": inst.evidence,
                }
            )
        for key, net in ex.new_networks.items():
            _add_network(doc["networks"], key, net, src)
        for m in ex.memberships:
            had = known.memberships.get((m.institution, m.network))
            doc["memberships"].append(
                _proposal(m.confident, had and f"{m.institution} -> {m.network}")
                | {
                    "institution": m.institution,
                    "network": m.network,
                    "role": m.role,
                    "since_year": m.since_year,
                    "sources": [src],
                    "evidence": m.evidence,
                }
            )
        for f in ex.focuses:
            had = (f.network, f.code) in known.focuses
            doc["focus_areas"].append(
                _proposal(f.confident, had and f"{f.network} -> {f.code}")
                | {
                    "network": f.network,
                    "field": f.field,
                    "status": f.status,
                    "proposed_by": f.proposed_by,
                    "sources": [src],
                    "evidence": f.evidence,
                }
            )
        for ag in ex.agreements:
            _merge_across(agreements, ag, src)
    for ag, sources in agreements.values():
        doc["agreements"].append(_agreement(ag, sources, resolver, known))
    return doc


def dump_review(doc: dict[str, list]) -> str:
    """The review document as YAML, sections in load order, with a header that explains it."""
    body = yaml.safe_dump(
        {k: doc.get(k, []) for k in SECTIONS}, sort_keys=False, allow_unicode=True, width=100
    )
    return HEADER + body


def apply_review(store: GraphStore, text: str, name: str) -> ApplyReport:
    """Write the accepted proposals of a review file, all or nothing, with their sources."""
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{name}: not a YAML file: {exc}") from None
    if not isinstance(doc, dict) or not set(doc) <= set(SECTIONS):
        raise InvalidInput(f"{name}: not a kb review file (sections: {', '.join(SECTIONS)})")
    picked = {s: [p for p in doc.get(s) or [] if p.get("accept") is True] for s in SECTIONS}
    new_networks = {str(p.get("id")): _strip(p, "evidence") for p in picked["networks"]}
    rows = {
        "institutions": [_strip(p, "evidence") for p in picked["institutions"]],
        "memberships": _memberships(store, picked["memberships"]),
        "networks": _networks(store, picked["focus_areas"], new_networks),
        "agreements": [_strip(p) for p in picked["agreements"]],
    }
    cited = {s for kind in rows.values() for row in kind for s in _cited(row)}
    rows["sources"] = [s for s in doc.get("sources") or [] if s.get("id") in cited]
    parsed = [
        kbfiles.parsed_records(kind, rows[kind], f"{name} [{kind}]")
        for kind in LOAD_ORDER
        if rows.get(kind)
    ]
    ensure_reference(store)
    resolver = Resolver(store)
    batch = _combine([kbfiles.build_batch(p, resolver) for p in parsed])
    stats = store.write_batch(batch) if batch.size() or batch.delete else WriteStats()
    return ApplyReport(name, {k: len(v) for k, v in rows.items() if v}, stats)


def read_review(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


# -- building proposals ---------------------------------------------------------------------
class _Known:
    """What the store already holds, so proposals of it default to `accept: false`."""

    def __init__(self, store: GraphStore) -> None:
        self.agreements: dict[tuple[frozenset[str], str], str] = {}
        for r in store.run(
            "MATCH (i:Institution)-[:PARTY_TO]->(a:Agreement) "
            "RETURN a.id AS id, a.kind AS kind, collect(i.id) AS parties"
        ).records():
            self.agreements[(frozenset(r["parties"]), r["kind"])] = r["id"]
        self.memberships = {
            (r["i"], r["n"]): r
            for r in store.run(
                "MATCH (i:Institution)-[m:MEMBER_OF]->(n:Network) RETURN i.id AS i, n.id AS n"
            ).records()
        }
        self.focuses = {
            (r["n"], r["code"])
            for r in store.run(
                "MATCH (n:Network)-[:FOCUSES_ON]->(d:Discipline) RETURN n.id AS n, d.code AS code"
            ).records()
        }


def _proposal(confident: bool, known: str | bool | None) -> dict[str, Any]:
    out: dict[str, Any] = {"accept": confident and not known, "confidence": _conf(confident)}
    if known:
        out["known"] = known
    return out


def _conf(confident: bool) -> str:
    return "high" if confident else "low"


def _new_institution(key: str, name: str, src: str, evidence: str) -> dict[str, Any]:
    return {
        "accept": False,
        "confidence": "new name: check it and add its country before accepting",
        "id": key,
        "name": name,
        "kind": institution_kind(name),
        "country": None,
        "sources": [src],
        "evidence": evidence,
    }


def _add_network(into: list[dict[str, Any]], key: str, net: NewNetwork, src: str) -> None:
    """A network the store lacks, once however many articles name it."""
    have = next((n for n in into if n["id"] == key), None)
    if have is not None:
        have["sources"] = union(have["sources"], [src])
        have["acronyms"] = union(have["acronyms"], net.acronyms)
        return
    into.append(
        {
            "accept": False,
            "confidence": "new network: check it before accepting",
            "id": key,
            "name": net.name,
            "kind": net.kind,
            "acronyms": list(net.acronyms),
            "aliases": [],
            "sources": [src],
            "evidence": net.evidence,
        }
    )


def _merge_across(
    into: dict[tuple[frozenset[str], str], tuple[AgreementFact, list[str]]],
    ag: AgreementFact,
    src: str,
) -> None:
    """The same agreement reported by two articles is one proposal citing both."""
    key = (frozenset(ag.parties), ag.kind)
    have = into.get(key)
    if have is None or (have[0].signed_on and ag.signed_on and have[0].signed_on != ag.signed_on):
        into[key if have is None else (*key, src)] = (ag, [src])  # type: ignore[index]
        return
    first, sources = have
    sources.append(src)
    if ag.signed_on and not first.signed_on:
        first.signed_on, first.signed_year, first.evidence = (
            ag.signed_on,
            ag.signed_year,
            ag.evidence,
        )
    first.confident = first.confident or ag.confident
    first.fields += [f for f in ag.fields if f not in first.fields]
    first.activities += [a for a in ag.activities if a not in first.activities]
    first.roles = ag.roles | first.roles


def _agreement(
    ag: AgreementFact, sources: list[str], resolver: Resolver, known: _Known
) -> dict[str, Any]:
    entries = resolver.entries("institution")
    names = [entries[p].name if p in entries else p for p in ag.parties]
    had = known.agreements.get((frozenset(ag.parties), ag.kind))
    return _proposal(ag.confident, had) | {
        "id": ag.id,
        "kind": ag.kind,
        "title": f"{' – '.join(names)} {ag.kind}",
        "signed_on": ag.signed_on,
        "signed_year": ag.signed_year,
        "status": "unknown",
        "parties": [{"institution": p, "role": ag.roles.get(p, "party")} for p in ag.parties],
        "fields": ag.fields,
        "activities": ag.activities,
        "sources": sources,
        "evidence": ag.evidence,
    }


# -- applying -------------------------------------------------------------------------------
def _strip(row: dict[str, Any], *extra: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _REVIEW_KEYS and k not in extra}


def _cited(row: dict[str, Any]) -> list[str]:
    nested = [s for f in row.get("focuses_on") or [] for s in f.get("sources") or []]
    return [*(row.get("sources") or []), *nested]


def _memberships(store: GraphStore, accepted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Accepted memberships; one already in the store keeps its role and quote, gains sources."""
    out = []
    for p in accepted:
        row = _strip(p)
        had = store.run(
            "MATCH (i:Institution {id: $i})-[m:MEMBER_OF]->(n:Network {id: $n}) "
            "RETURN m.role AS role, m.since AS since, m.since_year AS since_year, "
            "m.sources AS sources, m.evidence AS evidence",
            {"i": row.get("institution"), "n": row.get("network")},
        ).records()
        if had:
            old = had[0]
            for k in ("role", "since", "since_year", "evidence"):
                row[k] = old[k] if old[k] is not None else row.get(k)
            row["sources"] = union(old["sources"] or [], row.get("sources") or [])
        out.append(row)
    return out


def _networks(
    store: GraphStore, accepted: list[dict[str, Any]], new: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The accepted new networks, with their accepted thematic areas, and each network of the
    store with accepted thematic areas, as a full record: what the store holds (so a reload
    keeps it) plus the new areas."""
    by_network: dict[str, list[dict[str, Any]]] = {}
    for p in accepted:
        by_network.setdefault(str(p.get("network")), []).append(_strip(p, "network"))
    out = []
    for key, net in new.items():
        areas = by_network.pop(key, [])
        cited = [s for a in areas for s in a.get("sources") or []]
        sources = union(net.get("sources") or [], cited)
        out.append({**net, "sources": sources, "focuses_on": areas})
    for key, areas in by_network.items():
        rows = store.run(
            "MATCH (n:Network {id: $id}) RETURN n.name AS name, n.kind AS kind, "
            "n.aliases AS aliases, n.acronyms AS acronyms, n.founded_year AS founded_year, "
            "n.website AS website, n.sources AS sources",
            {"id": key},
        ).records()
        if not rows:
            raise InvalidInput(
                f"focus_areas: no network {key!r} in the store (accept it under `networks`)"
            )
        net = {k: v for k, v in rows[0].items() if v is not None}
        focus = store.run(
            "MATCH (n:Network {id: $id})-[f:FOCUSES_ON]->(d:Discipline) RETURN d.code AS code, "
            "f.label AS label, f.status AS status, f.proposed_by AS proposed_by, "
            "f.sources AS sources, f.evidence AS evidence",
            {"id": key},
        ).records()
        old = [
            {
                "field": label,
                "status": f["status"],
                "proposed_by": f["proposed_by"],
                "sources": f["sources"] or [],
                "evidence": f["evidence"],
            }
            for f in focus
            for label in (f["label"] or f["code"]).split("; ")
        ]
        cited = [s for a in areas for s in a.get("sources") or []]
        net["sources"] = union(net.get("sources") or [], cited)
        out.append({"id": key, **net, "focuses_on": old + areas})
    return out


def _combine(batches: list[GraphBatch]) -> GraphBatch:
    out = GraphBatch()
    for b in batches:
        for label, rows in b.nodes.items():
            out.nodes.setdefault(label, []).extend(rows)
        for t, rows in b.rels.items():
            out.rels.setdefault(t, []).extend(rows)
        out.replace += b.replace
        for label, keys in b.delete.items():
            out.delete.setdefault(label, []).extend(keys)
    return out
