"""Proposing facts from one article: institutions, agreements, memberships, thematic areas.

Rule-based: names come from the store (see `gazetteer`) and from the article itself (new
names shaped like an institution's, a network's or a programme's, and the acronyms it
defines: see `newnames` and `spans`); facts come from cue words in the sentence that names
them (agreements: see `agreements`). A fact is `confident` when its sentence states it
plainly (parties the store knows by those names, no hedging such as "may" or "is exploring");
the others are proposed too, for a reviewer to accept. Dates are taken only from the text of
the fact's own sentence or paragraph, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from kb.ingest.agreements import Found, agreements
from kb.ingest.facts import (
    HEDGE,
    YEAR,
    AgreementFact,
    Extraction,
    FocusFact,
    InstitutionFact,
    MembershipFact,
    NewNetwork,
    clause,
    is_sure,
)
from kb.ingest.gazetteer import Gazetteer, Mention
from kb.ingest.newnames import ArticleNames, article_names
from kb.ingest.reading import Article, Sentence
from kb.ingest.spans import NOT_NAMES
from kb.names import normalize
from kb.resolve import Resolver

__all__ = [
    "AgreementFact",
    "Extraction",
    "FocusFact",
    "InstitutionFact",
    "MembershipFact",
    "NewNetwork",
    "extract",
]

_SINCE = re.compile(r"\bsince ((?:19|20)\d{2})\b", re.I)
_FOCUS = re.compile(
    r"\b(?:thrust|focus|priority|thematic) areas?\b|\bin the fields? of\b|\bfocus(?:es)? on\b",
    re.I,
)
_MEMBER = re.compile(r"\bmember of\b|\bparticipat\w* in\b|\bjoined\b", re.I)


def extract(
    article: Article, resolver: Resolver, names: Gazetteer, fields: Gazetteer
) -> Extraction:
    """Every fact this module can propose from `article`."""
    ex = Extraction(article)
    local = article_names(article, resolver, names)
    ex.new_names, ex.new_networks = dict(local.institutions), dict(local.networks)
    scan = names.overlay(local.gazetteer)
    found = [(s, _mentions(s, scan, local)) for s in article.sentences]
    ex.institutions = _institutions(found, ex, scan)
    counts = Counter(m.key for _, ms in found for m in ms if m.kind == "institution" and m.key)
    focal = counts.most_common(1)[0][0] if counts else None
    ex.agreements = agreements(article, found, fields, focal)
    ex.memberships = _memberships(found, scan, ex)
    ex.focuses = _focuses(found, fields, focal, ex)
    return ex


def _mentions(s: Sentence, names: Gazetteer, local: ArticleNames) -> list[Mention]:
    """The names of a sentence; those the store does not know by that name carry their
    close-match score ("~0.97", "~0.00" for a new name) as their first candidate."""
    out = []
    for m in names.scan(s.text):
        if m.kind == "institution" and NOT_NAMES.match(s.text[m.end :]):
            continue  # "X University Press"
        score = local.unsure.get(normalize(m.text)) if m.kind != "field" else None
        out.append(m if score is None else replace(m, candidates=(f"~{score:.2f}",)))
    return out


def _institutions(found: Found, ex: Extraction, names: Gazetteer) -> list[InstitutionFact]:
    out: dict[str, InstitutionFact] = {}
    for s, ms in found:
        for m in ms:
            if m.kind != "institution":
                continue
            # "Suzhou Automotive Research Institute of Tsinghua University" names Tsinghua too
            for inner in _units_of(m, names):
                if inner.key and inner.key not in out:
                    out[inner.key] = InstitutionFact(inner.key, inner.text, s.text)
            key = m.key or f"?{m.text}"
            if key in out:
                continue
            new = m.key in ex.new_names
            score = (
                float(m.candidates[0][1:]) if m.candidates and m.candidates[0][:1] == "~" else 1.0
            )
            out[key] = InstitutionFact(
                None if new or m.key is None else m.key,
                ex.new_names[key] if new else m.text,
                s.text,
                score,
                confident=is_sure(m),
            )
    return list(out.values())


def _units_of(m: Mention, names: Gazetteer) -> list[Mention]:
    """The institutions named after "of" in an institution's name ("X Institute of Y")."""
    at = m.text.find(" of ")
    if at < 0:
        return []
    return [i for i in names.scan(m.text[at + 4 :], ("institution",)) if i.key != m.key]


# -- memberships and thematic areas ---------------------------------------------------------
def _memberships(found: Found, names: Gazetteer, ex: Extraction) -> list[MembershipFact]:
    out: dict[tuple[str, str], MembershipFact] = {}

    def add(inst: Mention, net: Mention, role: str, s: Sentence, at: int) -> None:
        year = YEAR.search(s.text) or _SINCE.search(s.text)
        fact = MembershipFact(
            inst.key,  # type: ignore[arg-type]
            net.key,  # type: ignore[arg-type]
            role,
            s.text,
            int(year.group(1)) if year else None,
        )
        fact.confident = not HEDGE.search(clause(s.text, at)) and is_sure(inst) and is_sure(net)
        have = out.setdefault((fact.institution, fact.network), fact)
        if have is not fact:  # the same membership again: keep a full sentence, and a year
            if have.evidence[-1:] not in ".!" and fact.evidence[-1:] in ".!":
                have.evidence, have.role = fact.evidence, fact.role
            have.since_year = have.since_year or fact.since_year
            have.confident = have.confident or fact.confident

    for pos, (s, ms) in enumerate(found):
        nets = [m for m in ms if m.kind == "network" and m.key]
        insts = [m for m in ms if m.kind == "institution" and m.key]
        for n in nets:  # "the JITRI Co-op internship program": JITRI runs it
            for inner in names.scan(n.text, ("institution",)):
                if inner.key:
                    add(inner, n, "organiser", s, n.start)
        if not nets and insts and _MEMBER.search(s.text) and pos + 1 < len(found):
            nxt, nms = found[pos + 1]
            if nxt.paragraph == s.paragraph:
                nets = [m for m in nms if m.kind == "network" and m.key]
        for i in insts:
            for n in nets:
                add(i, n, _role(s.text, i), s, i.start)
    return list(out.values())


def _role(text: str, inst: Mention) -> str:
    before = text[max(0, inst.start - 20) : inst.start].lower()
    if "sponsored by" in before:
        return "sponsor"
    if "supported by" in before:
        return "supporter"
    if "funded by" in before or "financed by" in before:
        return "funder"
    if re.match(r"\s+programm?e\b", text[inst.end :], re.I):
        return "organiser"  # "ABC programme “…”"
    if re.search(r"\bwinner\b|\bwon\b", text, re.I):
        return "winner"
    if re.search(r"\bmember\b", text, re.I):
        return "member"
    return "participant"


def _focuses(found: Found, fields: Gazetteer, focal: str | None, ex: Extraction) -> list[FocusFact]:
    out: list[FocusFact] = []
    for s, ms in found:
        # a network the store knows first: the areas are more likely its
        nets = sorted(
            (m for m in ms if m.kind == "network" and m.key), key=lambda m: not is_sure(m)
        )
        cue = _FOCUS.search(s.text)
        if not nets or not cue:
            continue
        tail = s.text[cue.end() :]
        # "current thrust areas of A and B, which have potential such as C": C is proposed
        split = re.search(r",?\s*\bwhich\b|;", tail)
        proposing = re.search(r"\badding\b|\bpropos\w*|\bpotential\b|\bsuggest\w*", s.text, re.I)
        for m in fields.scan(tail, ("field",)):
            if not m.key:
                continue
            later = bool(split and m.start > split.start() and proposing)
            status = "proposed" if later else "current"
            out.append(
                FocusFact(
                    nets[0].key,  # type: ignore[arg-type]
                    m.text,
                    m.key,
                    status,
                    s.text,
                    focal if later else None,
                    confident=nets[0].key not in ex.new_networks,
                )
            )
    return out
