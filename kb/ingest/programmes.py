"""Programme names, and acronyms: the ones an article defines ("Name (ABC)") and the ones
standing where only an organisation can.

* "the X (XY) initiative", "the X internship programme" (a capitalised name, then a lowercase
  description and a programme word), "the X Y Project 5-100" (a capitalised programme word),
  "X (XY), an initiative …", and a quoted name after "programme" or "competition" name a
  programme.
* "collaborations with ABC", "an initiative by ABC", "ABC programme “…”": ABC is an
  organisation (three capitals or more; not a country code).
"""

from __future__ import annotations

import re
from collections import Counter

import pycountry

from kb.ingest.gazetteer import GENERIC
from kb.names import normalize

Found = tuple[str, int, int, str | None]  # name, start, end, acronym defined with it
ACRONYM = r"[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*"
_PARENS = re.compile(r"\s*\(\s*([A-Z][\w&.-]*(?:\s+[A-Z][\w-]*){0,2})\s*\)")
_PROGRAMME_HEADS = ("Project", "Programme", "Program", "Initiative", "Scheme")
_NAME_WORD = r"[A-Z][\w'’+-]*"
_PROGRAMME_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:in|for|of|and|on|the)\s+)?{_NAME_WORD})*")
_DESCRIBED = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:initiative|programme|program|scheme)\b")
_APPOSITION = re.compile(
    rf"\s*\(({ACRONYM})\),\s+an?\s+(?:[a-z][\w-]*\s+){{0,2}}?"
    r"(?:initiative|programme|program|scheme|project)\b"
)
_QUOTED = re.compile(
    r"\b(?:programme|program|initiative|scheme|competition|call|project)\s+(?:for\s+|of\s+)?"
    r"[“\"«]([A-Z][^”\"»]{2,80}?)[”\"»]"
)
_PROGRAMME_GENERIC = GENERIC | {
    "joint", "master", "masters", "doctoral", "phd", "bachelor", "exchange", "mobility",
    "degree", "double", "dual", "pilot", "new", "summer", "winter", "training", "internship",
    "fellowship", "scholarship", "mba", "msc", "bsc", "english", "student", "students",
    "faculty", "staff", "project", "programme", "program", "initiative", "scheme",
    "government",
}  # fmt: skip
# Acronyms in an organisation's place.
_ORG_SLOTS = [
    re.compile(
        r"\b(?:collaborations?|partnerships?|agreements?|MoUs?|ties|tie-ups?|cooperation|"
        rf"contracts?)\s+with\s+(?:the\s+)?({ACRONYM})\b(?!\s+[A-Z])"
    ),
    re.compile(
        r"\b(?:initiative|programme|program|project|scheme|organi[sz]ed|sponsored|supported|"
        rf"funded|hosted|launched|run|led|coordinated)\s+by\s+(?:the\s+)?({ACRONYM})\b"
        r"(?!\s+[A-Z])"
    ),
    re.compile(rf"\b({ACRONYM})\s+(?:programme|program)\s+[“\"«]"),
]
_NOT_ORGANISATIONS = frozenset({"STEM", "MBA", "CEO", "GDP", "ICT", "NGO", "MOOC", "USD", "EUR"})


def abbreviates(acronym: str, name: str, capitals_only: bool = False) -> bool:
    """Whether `acronym` can stand for `name`: its capitals are initials of the name's words
    (in any order: "TSARI" for "Suzhou Automotive Research Institute of Tsinghua"; of its
    capitalised words only, if `capitals_only`), its other words are the name's ("IIT
    Kharagpur"), and it has two capitals or more."""
    words = re.findall(r"[^\W_]+", name)
    have = {w.lower() for w in words}
    initials = Counter(w[0].upper() for w in words if w[0].isupper() or not capitals_only)
    need: Counter[str] = Counter()
    for tok in acronym.split():
        if tok.lower() not in have:
            need.update(c for c in tok if c.isupper())
    return sum(need.values()) >= 2 and not need - initials


def defined_acronym(text: str, end: int) -> str | None:
    """The "(ABC)" right after position `end` of `text`, if there is one."""
    m = _PARENS.match(text, end)
    return m.group(1) if m else None


def walk_back(text: str, start: int, acronym: str) -> int | None:
    """Where the words before `start` that `acronym` abbreviates begin: the shortest run of
    words ending at `start`, starting with a capital, whose capitalised words' initials hold
    its capitals ("Fellowship in Quuxland for Borduria (FQB)"); else whose words' initials do
    ("Study in Quuxland (SIQ)")."""
    words = list(re.finditer(r"[^\W_][\w'’-]*", text[:start]))[-9:]
    for capitals_only in (True, False):
        for i in range(len(words) - 1, -1, -1):
            after = words[i + 1].start() if i + 1 < len(words) else start
            if not re.fullmatch(r"\s*", text[words[i].end() : after]):
                break
            name = text[words[i].start() : start]
            if words[i].group(0)[:1].isupper() and abbreviates(acronym, name, capitals_only):
                return words[i].start()
    return None


def programmes(text: str, blocked: list[tuple[int, int]]) -> list[Found]:
    """Programme names in `text` (name, start, end, the acronym defined with it) that do not
    overlap `blocked`, nor consist of generic words only ("the Joint Master Programme")."""
    out: list[Found] = []
    for the in re.finditer(r"\bthe\s+(?=[A-Z])", text):
        m = _PROGRAMME_NAME.match(text, the.end())
        if m is None:
            continue
        name, end, acronym = m.group(0), m.end(), None
        words = name.split()
        if words[-1] in _PROGRAMME_HEADS and len(words) > 1:
            code = re.match(r"\s+(\d[\d-]*\d)\b", text[end:])
            end += code.end() if code else 0
        else:
            acr = re.match(rf"\s*\(({ACRONYM})\)", text[end:])
            after = end + (acr.end() if acr else 0)
            if not _DESCRIBED.match(text, after) or not (len(words) > 1 or acr):
                continue
            acronym = acr.group(1) if acr else None
        out.append((text[the.end() : end], the.end(), end, acronym))
    for m in _APPOSITION.finditer(text):
        start = walk_back(text, m.start(), m.group(1))
        if start is not None:
            name = text[start : m.start()].rstrip()
            out.append((name, start, start + len(name), m.group(1)))
    for m in _QUOTED.finditer(text):
        out.append((m.group(1).strip(), m.start(1), m.end(1), None))
    return [
        f
        for f in out
        if not any(a < f[2] and f[1] < b for a, b in blocked)
        and not all(w in _PROGRAMME_GENERIC for w in normalize(f[0]).split())
    ]


def organisation_acronyms(text: str, blocked: list[tuple[int, int]]) -> list[Found]:
    """Acronyms in a place only an organisation fills ("collaborations with ABC", "an
    initiative by ABC", "ABC programme “…”"), not overlapping `blocked`: no countries."""
    out: list[Found] = []
    for pattern in _ORG_SLOTS:
        for m in pattern.finditer(text):
            acr, a, b = m.group(1), m.start(1), m.end(1)
            if any(x < b and a < y for x, y in blocked) or not _organisation_like(acr):
                continue
            out.append((acr, a, b, None))
    return out


def _organisation_like(acronym: str) -> bool:
    if sum(c.isupper() for c in acronym) < 3 or acronym.upper() in _NOT_ORGANISATIONS:
        return False
    return not (
        pycountry.countries.get(alpha_3=acronym.upper())
        or pycountry.countries.get(alpha_2=acronym.upper())
    )
