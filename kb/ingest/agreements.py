"""Agreements an article reports: cue words give the kind, the institutions named with them
the parties, the same sentence (or its paragraph) the date, and nearby sentences the fields
and activities. See docs/ingest.md.
"""

from __future__ import annotations

import re

from kb.ingest.facts import HEDGE, YEAR, AgreementFact, clause, is_sure
from kb.ingest.gazetteer import Gazetteer, Mention
from kb.ingest.reading import Article, Sentence, parse_date

Found = list[tuple[Sentence, list[Mention]]]

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
_WITH = re.compile(r"\bwith\b", re.I)
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


def _kind(text: str, masked: list[Mention]) -> tuple[str | None, str | None, int]:
    """The sentence's agreement cue (None: it has none), its kind, and where the cue is."""
    plain = _mask(text, masked)
    for kind, pattern in _KIND_CUES:
        hit = pattern.search(plain)
        if hit:
            return hit.group(0), kind, hit.start()
    return None, None, -1


def agreements(
    article: Article,
    found: Found,
    fields: Gazetteer,
    focal: str | None,
) -> list[AgreementFact]:
    """The agreements of one article; `found` is each sentence with the names it has, and
    `focal` the article's main institution (the one it names most)."""
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
        hedged = bool(HEDGE.search(clause(s.text, at)))
        for group in _groups(s.text, people, focal):
            if len(group) == 1 and cued.endswith("s") and kind != "joint institute":
                continue  # "A has cooperation agreements all over the world": none in particular
            fact = AgreementFact(
                parties=group,
                kind=kind or "other",
                evidence=s.text,
                has_kind=kind is not None,
                confident=(len(group) > 1 or kind == "joint institute")
                and not hedged
                and all(is_sure(m) for m in people if m.key in group),
            )
            _dates(fact, article, s, found)
            _details(fact, pos, found, fields, at)
            if kind == "grant" or networks:
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
    elif (year := YEAR.search(s.text)) and _SIGNING.search(s.text):
        fact.signed_year = int(year.group(1))


def _details(fact: AgreementFact, pos: int, found: list, fields: Gazetteer, at: int) -> None:
    """Activities and fields from the fact's sentence (fields: the cue's clause) and from
    the next sentence of the paragraph when it names no other institution."""
    s, ms = found[pos]
    _add_details(fact, s.text, ms, fields, clause=clause(s.text, at))
    if pos + 1 < len(found):
        near, nms = found[pos + 1]
        others = {m.key for m in nms if m.kind == "institution"} - set(fact.parties)
        if near.paragraph == s.paragraph and not others and not HEDGE.search(near.text):
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
        if HEDGE.search(s.text):
            continue
        if kind and kind != "MoU" and not _ANAPHORA.search(s.text):
            targets = [a for a in agreements if a.kind == kind]
        else:
            targets = [main] if main and _ANAPHORA.search(s.text) else []
        for a in targets:
            _add_details(a, s.text, ms, fields)
