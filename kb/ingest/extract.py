"""Proposing facts from one article: institutions, agreements, memberships, thematic areas.

Rule-based: names come from the store (see `gazetteer`), facts from cue words in the
sentence that names them. A fact is `confident` when its sentence states it plainly
(two or more known parties, no hedging such as "may" or "is exploring"); the others are
proposed too, for a reviewer to accept. Dates are taken only from the text of the fact's
own sentence or paragraph, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kb.ingest.gazetteer import Gazetteer, Mention, resolve_institution, unknown_names
from kb.ingest.reading import Article, Sentence, parse_date
from kb.names import slugify
from kb.resolve import Resolver

# Agreement kinds by their cue words, most specific first; None is a cue without a kind.
_KIND_CUES: list[tuple[str | None, re.Pattern[str]]] = [
    ("MoU", re.compile(r"\bmemorand(?:um|a) of understanding\b|\bMoUs?\b", re.I)),
    ("double degree", re.compile(r"\b(?:double|dual)[- ]degrees?\b", re.I)),
    ("joint institute", re.compile(r"\bjoint institutes?\b", re.I)),
    ("grant", re.compile(r"\bgrants?\b|\bwon the competition\b", re.I)),
    ("cooperation agreement", re.compile(r"\bcooperation agreements?\b", re.I)),
    ("strategic partnership", re.compile(r"\bstrategic (?:academic )?partnerships?\b", re.I)),
    ("joint programme", re.compile(r"\bjoint (?:degree|master'?s?|phd) programm?es?\b", re.I)),
    (
        None,
        re.compile(
            r"\bagreements?\b|\bpacts?\b|\bsigned\b|\bsigning\b|\binked\b|\bpartnership\b|"
            r"\bcollaborations? with\b|\btie-ups? with\b",
            re.I,
        ),
    ),
]
_SIGNING = re.compile(
    r"\bsign(?:ed|ing)\b|\binked\b|\bformali[sz]ed\b|\bconcluded\b|\bentered into\b|\bwon\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|would|expects?|expected|potential(?:ly)?|propos(?:ed|es|ing)|"
    r"plans?|planned|exploring|explore|considering|aims? to|intends?|possible|possibility)\b",
    re.I,
)
_CLAUSE = re.compile(r"[;()]|,\s+(?:which|while|but|and then)\b|:\s")
_WITH = re.compile(r"\bwith\b", re.I)
_YEAR = re.compile(r"\b[Ii]n ((?:19|20)\d{2})\b")
_SINCE = re.compile(r"\bsince ((?:19|20)\d{2})\b", re.I)
_ANAPHORA = re.compile(
    r"\b(?:this|the|under this|under the)\s+(?:mou|agreement|partnership|collaboration|"
    r"memorandum(?: of understanding)?|pact)\b|\bthe parties\b",
    re.I,
)
_ACTIVITIES = [
    ("student exchange", r"student (?:and scholar )?(?:exchanges?|mobility)|academic mobility|"
     r"exchanges? of students|academic exchanges"),
    ("scholar exchange", r"scholar exchanges?|student and scholar exchange"),
    ("faculty exchange", r"faculty (?:exchanges?|mobility)|staff exchanges?|"
     r"exchanges? of (?:faculty|staff)"),
    ("joint research", r"joint (?:scientific )?research(?! (?:centres?|centers?|lab))|"
     r"collaborative research|joint (?:research )?projects"),
    ("joint programme", r"joint (?:academic |master[’']?s? degree and phd |doctoral )?"
     r"programm?e?s"),
    ("double degree", r"(?:double|dual)[- ]degrees?"),
    ("internships", r"internships?"),
    ("visiting professors", r"visiting professors?"),
    ("guest speakers", r"guest (?:speakers?|lectures?)"),
    ("joint publications", r"joint publications?|co-authored papers"),
    ("joint events", r"joint (?:workshops|conferences|seminars)|academic events"),
    ("summer and winter schools", r"summer (?:and winter )?schools?"),
    ("joint laboratories", r"joint (?:research )?lab(?:oratorie)?s|joint r&e cent(?:er|re)s"),
]  # fmt: skip
_ACTIVITY_RES = [(name, re.compile(rf"\b(?:{p})\b", re.I)) for name, p in _ACTIVITIES]
_FOCUS = re.compile(
    r"\b(?:thrust|focus|priority|thematic) areas?\b|\bin the fields? of\b|\bfocus(?:es)? on\b",
    re.I,
)
_MEMBER = re.compile(r"\bmember of\b|\bparticipat\w* in\b|\bjoined\b", re.I)


@dataclass
class InstitutionFact:
    key: str | None  # None: a name the store does not know
    name: str
    evidence: str
    score: float = 1.0
    confident: bool = True


@dataclass
class AgreementFact:
    parties: list[str]
    kind: str
    evidence: str
    signed_on: date | None = None
    signed_year: int | None = None
    fields: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    confident: bool = True
    has_kind: bool = True

    @property
    def id(self) -> str:
        when = self.signed_on.isoformat() if self.signed_on else self.signed_year
        return "-".join(str(p) for p in [*sorted(self.parties), slugify(self.kind), when] if p)


@dataclass
class MembershipFact:
    institution: str
    network: str
    role: str
    evidence: str
    since_year: int | None = None
    confident: bool = True


@dataclass
class FocusFact:
    network: str
    field: str  # the words of the text, resolvable through the field aliases
    code: str
    status: str
    evidence: str
    proposed_by: str | None = None


@dataclass
class Extraction:
    article: Article
    institutions: list[InstitutionFact] = field(default_factory=list)
    agreements: list[AgreementFact] = field(default_factory=list)
    memberships: list[MembershipFact] = field(default_factory=list)
    focuses: list[FocusFact] = field(default_factory=list)
    new_names: dict[str, str] = field(default_factory=dict)  # proposed id -> name


def extract(
    article: Article, resolver: Resolver, names: Gazetteer, fields: Gazetteer
) -> Extraction:
    """Every fact this module can propose from `article`."""
    ex = Extraction(article)
    mentions = {
        s.index + 1000 * s.paragraph: _mentions(s, resolver, names, ex) for s in article.sentences
    }
    found = [(s, mentions[s.index + 1000 * s.paragraph]) for s in article.sentences]
    ex.institutions = _institutions(found, ex, names)
    counts = Counter(m.key for _, ms in found for m in ms if m.kind == "institution" and m.key)
    focal = counts.most_common(1)[0][0] if counts else None
    ex.agreements = _agreements(article, found, fields, focal)
    ex.memberships = _memberships(found, names)
    ex.focuses = _focuses(found, fields, focal)
    return ex


def _mentions(s: Sentence, resolver: Resolver, names: Gazetteer, ex: Extraction) -> list[Mention]:
    known = names.scan(s.text)
    for name, start, end in unknown_names(s.text, known):
        key, score = resolve_institution(resolver, name)
        if key is None:
            key = slugify(name)
            ex.new_names.setdefault(key, name)
        known.append(Mention("institution", key, name, start, end, (f"~{score:.2f}",)))
    return sorted(known, key=lambda m: m.start)


def _is_sure(m: Mention) -> bool:
    return m.key is not None and not (m.candidates and m.candidates[0].startswith("~"))


def _institutions(
    found: list[tuple[Sentence, list[Mention]]], ex: Extraction, names: Gazetteer
) -> list[InstitutionFact]:
    out: dict[str, InstitutionFact] = {}
    for s, ms in found:
        for m in ms:
            if m.kind != "institution":
                continue
            # "Suzhou Automotive Research Institute of Tsinghua University" names Tsinghua too
            for inner in names.scan(m.text[1:], ("institution",)) if _is_sure(m) else []:
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
                m.text,
                s.text,
                score,
                confident=_is_sure(m),
            )
    return list(out.values())


# -- agreements ----------------------------------------------------------------------------
def _kind(text: str, masked: list[Mention]) -> tuple[bool, str | None, int]:
    """Whether the sentence has an agreement cue, its kind, and where the cue is."""
    plain = _mask(text, masked)
    for kind, pattern in _KIND_CUES:
        hit = pattern.search(plain)
        if hit:
            return True, kind, hit.start()
    return False, None, -1


def _clause(text: str, at: int) -> str:
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(text) if m.end() <= at)]
    ends = [m.start() for m in _CLAUSE.finditer(text) if m.start() > at] + [len(text)]
    return text[max(cuts) : min(ends)]


def _agreements(
    article: Article,
    found: list[tuple[Sentence, list[Mention]]],
    fields: Gazetteer,
    focal: str | None,
) -> list[AgreementFact]:
    candidates: list[AgreementFact] = []
    partyless: list[tuple[Sentence, list[Mention], str | None]] = []
    for pos, (s, ms) in enumerate(found):
        networks = [m for m in ms if m.kind == "network"]
        cued, kind, at = _kind(s.text, ms)
        people = [m for m in ms if m.kind == "institution" and m.key]
        keys = list(dict.fromkeys(m.key for m in people))
        if not keys and (cued or _ANAPHORA.search(s.text)):
            partyless.append((s, ms, kind))
        if not cued or not keys:
            continue
        if networks and len(keys) == 1:
            continue  # an institution and a programme: a membership, not an agreement
        hedged = bool(_HEDGE.search(_clause(s.text, at)))
        for group in _groups(s.text, people, focal):
            fact = AgreementFact(
                parties=group,
                kind=kind or "other",
                evidence=s.text,
                has_kind=kind is not None,
                confident=(len(group) > 1 or kind == "joint institute")
                and not hedged
                and all(_is_sure(m) for m in people if m.key in group),
            )
            _dates(fact, article, s, found)
            _details(fact, pos, found, fields, at)
            if "DAAD" in s.text or kind == "grant":
                _funders(fact, s.text, people)
            candidates.append(fact)
    merged = _merge(candidates)
    _anaphora(merged, partyless, article, found, fields)
    return merged


def _groups(text: str, people: list[Mention], focal: str | None) -> list[list[str]]:
    """Parties of one sentence: "A signed with B" is one agreement, "A has agreements with
    B, C and D" is three; "… collaborations with B" without a subject is the article's."""
    split = next(
        (w.start() for w in _WITH.finditer(text) if any(m.start > w.start() for m in people)),
        None,
    )
    keys = list(dict.fromkeys(m.key for m in people if m.key))
    if split is None:
        return [keys]
    before = list(dict.fromkeys(m.key for m in people if m.key and m.start < split))
    after = [k for k in dict.fromkeys(m.key for m in people if m.key and m.start > split)]
    after = [k for k in after if k not in before]
    if not before and focal and focal not in after:
        before = [focal]
    if len(before) == 1 and len(after) > 1:
        return [[before[0], k] for k in after]
    return [list(dict.fromkeys([*before, *after]))] if before or after else [keys]


def _dates(fact: AgreementFact, article: Article, s: Sentence, found: list) -> None:
    """The signing date from this sentence, or a sentence of its paragraph about signing."""
    if parse_date(s.text) and _SIGNING.search(s.text):
        fact.signed_on = parse_date(s.text)
    else:
        for other, ms in found:
            if other.paragraph != s.paragraph or other is s:
                continue
            others = {m.key for m in ms if m.kind == "institution"} - set(fact.parties)
            if not others and _SIGNING.search(other.text) and parse_date(other.text):
                fact.signed_on = parse_date(other.text)
                break
    if fact.signed_on:
        fact.signed_year = fact.signed_on.year
    elif (year := _YEAR.search(s.text)) and _SIGNING.search(s.text):
        fact.signed_year = int(year.group(1))


def _details(fact: AgreementFact, pos: int, found: list, fields: Gazetteer, at: int) -> None:
    """Activities and fields from the fact's sentence (fields: the cue's clause) and from
    the next sentence of the paragraph when it names no other institution."""
    s, ms = found[pos]
    _add_details(fact, s.text, ms, fields, clause=_clause(s.text, at))
    if pos + 1 < len(found):
        near, nms = found[pos + 1]
        others = {m.key for m in nms if m.kind == "institution"} - set(fact.parties)
        if near.paragraph == s.paragraph and not others and not _HEDGE.search(near.text):
            _add_details(fact, near.text, nms, fields)


def _add_details(
    fact: AgreementFact, text: str, ms: list[Mention], fields: Gazetteer, clause: str = ""
) -> None:
    for name, pattern in _ACTIVITY_RES:
        if pattern.search(text) and name not in fact.activities:
            fact.activities.append(name)
    found = [m for m in fields.scan(_mask(text, ms), ("field",)) if m.key]
    if clause:
        found = [m for m in found if m.text in clause]
    elif len(found) < 2:
        return  # a field word in passing; a list of fields describes the agreement
    for m in found:
        if m.text not in fact.fields and _field_like(m.text):
            fact.fields.append(m.text)


def _mask(text: str, ms: list[Mention]) -> str:
    chars = list(text)
    for m in ms:
        chars[m.start : m.end] = "\0" * (m.end - m.start)
    return "".join(chars)


def _field_like(text: str) -> bool:
    # Single common words ("energy", "Engineering") are fields only in a list of fields.
    return len(text.split()) > 1 or (text[:1].isupper() and text.lower() not in {"engineering"})


def _funders(fact: AgreementFact, text: str, people: list[Mention]) -> None:
    for m in people:
        if m.key in fact.parties and re.match(r"\s+program", text[m.end :], re.I):
            fact.roles[m.key] = "funder"


def _merge(candidates: list[AgreementFact]) -> list[AgreementFact]:
    """One agreement per set of parties and kind; kind-less mentions join their parties'
    agreement; a one-party mention of a party that has an agreement here is a reference."""
    multi = {p for c in candidates if len(c.parties) > 1 for p in c.parties}
    out: dict[tuple[frozenset[str], str], AgreementFact] = {}
    kinds = {(p, c.kind) for c in candidates if len(c.parties) > 1 for p in c.parties}
    for c in sorted(candidates, key=lambda c: not c.has_kind):
        one = c.parties[0] if len(c.parties) == 1 else None
        if one in multi and (not c.has_kind or (one, c.kind) in kinds):
            continue
        parties = frozenset(c.parties)
        key = (parties, c.kind)
        if not c.has_kind:
            key = next((k for k in out if k[0] == parties), key)
        have = out.get(key)
        if have is None:
            out[key] = c
            continue
        if _rank(c) > _rank(have):
            have.evidence = c.evidence
        have.confident = have.confident or c.confident
        have.signed_on = have.signed_on or c.signed_on
        have.signed_year = have.signed_year or c.signed_year
        have.fields += [f for f in c.fields if f not in have.fields]
        have.activities += [a for a in c.activities if a not in have.activities]
        have.roles = c.roles | have.roles
    return list(out.values())


def _rank(c: AgreementFact) -> tuple[bool, bool, bool, bool]:
    """Which sentence to quote: a plain statement, with a kind, a date, and not a headline."""
    return (c.confident, c.has_kind, bool(c.signed_on or c.signed_year), c.evidence[-1:] in ".!")


def _anaphora(
    agreements: list[AgreementFact],
    partyless: list[tuple[Sentence, list[Mention], str | None]],
    article: Article,
    found: list,
    fields: Gazetteer,
) -> None:
    """ "The collaboration targets …": sentences naming no party describe the article's main
    agreement (its first confident one); "Within strategic partnership …" all of that kind."""
    main = next((a for a in agreements if a.confident), None)
    for s, ms, kind in partyless:
        if _HEDGE.search(s.text):
            continue
        if kind and kind != "MoU" and not _ANAPHORA.search(s.text):
            targets = [a for a in agreements if a.kind == kind]
        else:
            targets = [main] if main and _ANAPHORA.search(s.text) else []
        for a in targets:
            _add_details(a, s.text, ms, fields)


# -- memberships and thematic areas ---------------------------------------------------------
def _memberships(
    found: list[tuple[Sentence, list[Mention]]], names: Gazetteer
) -> list[MembershipFact]:
    out: dict[tuple[str, str], MembershipFact] = {}

    def add(inst: str, net: str, role: str, s: Sentence, at: int) -> None:
        year = _YEAR.search(s.text) or _SINCE.search(s.text)
        fact = MembershipFact(inst, net, role, s.text, int(year.group(1)) if year else None)
        fact.confident = not _HEDGE.search(_clause(s.text, at))
        have = out.setdefault((inst, net), fact)
        if have is not fact:  # the same membership again: keep a full sentence, and a year
            if have.evidence[-1:] not in ".!" and fact.evidence[-1:] in ".!":
                have.evidence, have.role = fact.evidence, fact.role
            have.since_year = have.since_year or fact.since_year
            have.confident = have.confident or fact.confident

    for pos, (s, ms) in enumerate(found):
        nets = [m for m in ms if m.kind == "network" and m.key]
        insts = [m for m in ms if m.kind == "institution" and m.key and _is_sure(m)]
        for n in nets:  # "the JITRI Co-op internship program": JITRI runs it
            for inner in names.scan(n.text, ("institution",)):
                if inner.key:
                    add(inner.key, n.key, "organiser", s, n.start)  # type: ignore[arg-type]
        if not nets and insts and _MEMBER.search(s.text) and pos + 1 < len(found):
            nxt, nms = found[pos + 1]
            if nxt.paragraph == s.paragraph:
                nets = [m for m in nms if m.kind == "network" and m.key]
        for i in insts:
            for n in nets:
                add(i.key, n.key, _role(s.text, i), s, i.start)  # type: ignore[arg-type]
    return list(out.values())


def _role(text: str, inst: Mention) -> str:
    before = text[max(0, inst.start - 20) : inst.start].lower()
    if "sponsored by" in before:
        return "sponsor"
    if "supported by" in before:
        return "supporter"
    if re.search(r"\bwinner\b|\bwon\b", text, re.I):
        return "winner"
    if re.search(r"\bmember\b", text, re.I):
        return "member"
    return "participant"


def _focuses(
    found: list[tuple[Sentence, list[Mention]]], fields: Gazetteer, focal: str | None
) -> list[FocusFact]:
    out: list[FocusFact] = []
    for s, ms in found:
        nets = [m for m in ms if m.kind == "network" and m.key]
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
                )
            )
    return out
