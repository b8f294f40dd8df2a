"""Names a sentence has that the store does not know: institutions, government bodies,
networks and programmes. Each rule is about the shape of names, never about a particular one.

* A *run* is a stretch of capitalised words joined by "of", "and", "&", "for", "the" and
  Romance or German linking words ("de", "di", "zu" …); punctuation, known names and
  honorifics (Prof., Dr.) end it.
* In a run a name ends at a *head* word (University, Institute, Academy, College, Agency,
  Council, Organisation, Ministry …), after the "of …" that follows one ("Institute of Physics
  and Technology"), or after the place that follows a non-English head ("Technische
  Universität Berlin", "Politecnico di Milano"). It starts at most seven words before the
  head. One run can hold several names: "A University and B Institute of C" is two, because
  the words after "and" reach a head of their own; "University of Science and Technology"
  is one.
* A title and its "of" ("Rector of", "Chairman of the") and a country's possessive
  ("Ruritania's") start no name. After a title, two capitalised words that close the name and
  are followed by a verb are a person ("Chairman of the X Academy of Sciences Ivan Petrov
  signed").
* A government body takes the government it belongs to ("Ministry of X, Govt. of Y",
  "Dept. of X, ABC, Govt. of Y"); "Department of …" is a name only with it (otherwise it is
  more often a university's department).
* "X Institute of <known institution>" is one name: a unit of the known one.
* "… of A, B and C (ABC)": a list closed by an acronym of the words before it is in the name.
* A known name that fits several records, followed by one capitalised word and a pause
  ("City University Ruritania,"), is that longer name; a known name followed by a network's
  head word ("X University Association") is a network's name.
* Networks: a run whose head words include Network, Alliance, Consortium, Association or
  League ("X University Network", "X Network University", "Alliance of Y").
* Programmes, and acronyms in a place only an organisation fills ("collaborations with ABC"):
  see `kb.ingest.programmes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

from kb.ingest.gazetteer import Mention, generic
from kb.ingest.programmes import ACRONYM, abbreviates, organisation_acronyms, programmes
from kb.names import normalize

_TOKEN = re.compile(r"[^\W_][\w'’+-]*|&")
_LINKS = frozenset(
    {"of", "and", "&", "for", "the", "de", "di", "du", "del", "della", "der", "des", "zu", "da",
     "do", "dos", "das", "y"}
)  # fmt: skip
_ABBREVIATIONS = frozenset({"St", "Ste", "Dept", "Govt", "Mt", "Univ", "Inst", "Natl", "Intl"})
_HONORIFICS = frozenset({"prof", "dr", "mr", "mrs", "ms", "sir", "professor", "academician"})
_TITLES = frozenset(
    {"rector", "vice-rector", "prorector", "president", "vice-president", "director",
     "director-general", "chancellor", "vice-chancellor", "provost", "dean", "chairman",
     "chairwoman", "chairperson", "chair", "head", "principal", "secretary", "minister",
     "ambassador", "founder", "ceo", "coordinator", "representative", "representatives",
     "delegation", "alumni", "alumnus", "graduates", "members", "member", "deputy", "fellow"}
)  # fmt: skip
_LEADING = frozenset(
    {"the", "this", "these", "that", "a", "an", "our", "its", "their", "his", "her", "explore",
     "visit", "visits", "at", "in", "on", "for", "with", "from", "by", "during", "after",
     "before", "today", "recently", "meanwhile", "under", "within", "among", "both", "all",
     "each", "every", "another", "as", "when", "while", "since", "welcome", "dear", "through",
     "between", "via", "about", "across", "also", "however", "moreover", "then", "now", "here",
     "there", "join", "joins", "and", "of", "yesterday", "tomorrow", "last", "next", "earlier",
     "later", "currently", "finally", "together", "additionally", "furthermore", "partners",
     "partner", "researchers", "students", "scientists", "experts", "officials", "congratulate"}
)  # fmt: skip
# Words before "of" that make "X of Y University" one name (a unit of it); after any other
# word ("Ivan Petrov of Y University") the name starts after "of".
_UNITS = frozenset(
    {"branch", "campus", "faculty", "school", "college", "department", "division", "office",
     "centre", "center", "laboratory", "institute", "chapter", "section", "museum", "library",
     "hospital", "clinic", "observatory", "station", "academy", "affiliate"}
)  # fmt: skip
_FOREIGN = frozenset(
    {"universitat", "universite", "universidad", "universidade", "universita", "universiteit",
     "uniwersytet", "institut", "instituto", "istituto", "politecnico", "politecnica",
     "hochschule", "akademie", "academie", "academia"}
)  # fmt: skip
_GOVERNMENT = frozenset(
    {"ministry", "department", "dept", "agency", "council", "organisation", "organization"}
)
_NEEDS_QUALIFIER = frozenset({"department", "dept"})
_INSTITUTION_HEADS = _FOREIGN | _GOVERNMENT | {
    "university", "institute", "academy", "polytechnic", "college",
}  # fmt: skip
_NETWORK_HEADS = {
    "network": "university network",
    "alliance": "university network",
    "league": "university network",
    "consortium": "consortium",
    "association": "association",
}
_HEADS = _INSTITUTION_HEADS | set(_NETWORK_HEADS)
NOT_NAMES = re.compile(r"\s+(?:Rankings?|Press|News)\b")
_QUALIFIED = re.compile(
    r"(?:,\s*[A-Z][\w&'’-]*){0,1},\s*(?:Govt\.?|Government)\s+of\s+(?:the\s+)?"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
)
_LISTED_TO_ACRONYM = re.compile(
    r"(?:,\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)*,?\s+(?:and|&)\s+"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*\((" + ACRONYM + r")\)"
)


@dataclass(frozen=True)
class Span:
    """A name the store does not know: a new institution, or a network (`kind` "network",
    with `network_kind`), and the acronym the sentence defines for it, if any."""

    kind: str
    name: str
    start: int
    end: int
    network_kind: str | None = None
    acronym: str | None = None


def find_spans(text: str, known: list[Mention]) -> list[Span]:
    """The names in `text` that are shaped like an institution's, a network's or a
    programme's and are not among the `known` names, left to right, none overlapping."""
    blocked = [(m.start, m.end) for m in known]
    nets = [m for m in known if m.kind == "network"]  # a programme's name may hold a known name
    out = _extended_known(text, known)
    out += [
        Span("network", name, a, b, "programme", acronym)
        for name, a, b, acronym in programmes(text, [(m.start, m.end) for m in nets])
        if not any(_fold(w) in _INSTITUTION_HEADS for w in name.split())
    ]
    blocked += [(s.start, s.end) for s in out]
    out += [Span("institution", acr, a, b) for acr, a, b, _ in organisation_acronyms(text, blocked)]
    blocked += [(s.start, s.end) for s in out]
    for run in _runs(text, blocked):
        for span in _names_in_run(text, run):
            out.append(_extend(text, span, known))
    out = [s for s in out if s.kind == "network" or not _needs_qualifier(s)]
    kept: list[Span] = []
    for s in sorted(out, key=lambda s: (s.start, -s.end)):
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


# -- runs of capitalised words ------------------------------------------------------------------
def _runs(text: str, blocked: list[tuple[int, int]]) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    cur: list[re.Match[str]] = []
    for t in _TOKEN.finditer(text):
        if any(a < t.end() and t.start() < b for a, b in blocked):
            _close(runs, cur)
            cur = []
            continue
        w = t.group(0)
        if w.lower().rstrip(".") in _HONORIFICS:
            _close(runs, cur)
            cur = []
            continue
        cap, link = w[:1].isupper(), w in _LINKS
        if cur and _joined(text, cur[-1], t) and (cap or link or w[:1].isdigit()):
            cur.append(t)
        else:
            _close(runs, cur)
            cur = [t] if cap else []
    _close(runs, cur)
    return runs


def _close(runs: list[list[re.Match[str]]], cur: list[re.Match[str]]) -> None:
    while cur and cur[-1].group(0) in _LINKS:
        cur.pop()
    if cur:
        runs.append(list(cur))


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    gap = text[a.end() : b.start()]
    if re.fullmatch(r"[^\S\n]+", gap):
        return True
    return a.group(0) in _ABBREVIATIONS and re.fullmatch(r"\.[^\S\n]+", gap) is not None


def _fold(word: str) -> str:
    return normalize(word).replace(" ", "")


def _names_in_run(text: str, run: list[re.Match[str]]) -> list[Span]:
    words = [t.group(0) for t in run]
    folds = [_fold(w) for w in words]
    out: list[Span] = []
    i, n = 0, len(run)
    while i < n:
        h = next((k for k in range(i, n) if folds[k] in _HEADS and words[k][:1].isupper()), None)
        if h is None:
            break
        g = h
        while g + 1 < n and folds[g + 1] in _HEADS:
            g += 1
        heads = set(folds[h : g + 1])
        end = _tail(words, folds, g, n, bool(heads & _FOREIGN))
        start, titled = _start(words, folds, i, h)
        if (
            end == g
            and g + 1 < n
            and words[g + 1][:1].isupper()
            and generic(" ".join(words[start : g + 1]))
        ):
            end += 1  # "University College Ruritania": a generic name takes the place after it
        i = end + 1
        if titled and end >= g + 4 and _person_at_end(text, words, run, end):
            end -= 2
        span = _span(text, run, start, end, heads)
        if span is not None:
            out.append(span)
    return out


def _tail(words: list[str], folds: list[str], g: int, n: int, foreign: bool) -> int:
    """The last word of the name whose head words end at `g`."""
    k = g + 1
    of = k < n and folds[k] in ("of", "for")  # "Institute of Physics", "Institute for Physics"
    if of:
        k += 1
    elif not foreign:
        return g
    end = g
    while k < n:
        if folds[k] in ("and", "&") and (not of or _head_ahead(folds, k + 1, n)):
            break
        if words[k][:1].isupper() or words[k][:1].isdigit():
            end = k
        k += 1
    return end


def _head_ahead(folds: list[str], k: int, n: int) -> bool:
    """Whether the words from `k` to the next "and" hold a head word: a name of their own."""
    while k < n and folds[k] not in ("and", "&"):
        if folds[k] in _HEADS:
            return True
        k += 1
    return False


def _start(words: list[str], folds: list[str], i: int, h: int) -> tuple[int, bool]:
    start, titled = i, False
    for p in range(h - 2, i - 1, -1):  # "Rector of", "Chairman of the"
        if words[p].lower() in _TITLES and folds[p + 1] == "of":
            start, titled = p + 2, True
            break
    start = max(start, h - 7)
    for p in range(h - 1, start - 1, -1):  # "A and B University": B University
        if words[p] == "and" or (words[p] == "of" and folds[p - 1] not in _UNITS):
            start = p + 1
            break
    while start < h:
        w = words[start]
        if w.lower() in _LEADING or w in _LINKS or not w[:1].isupper():
            start += 1
        elif re.search(r"['’]s?$", w) and (_is_country(re.sub(r"['’]s?$", "", w)) or start + 1 < h):
            start += 1  # "Ruritania's X University"; "King's College" keeps its possessive
        else:
            break
    return start, titled


def _person_at_end(text: str, words: list[str], run: list[re.Match[str]], end: int) -> bool:
    last = words[end - 1 : end + 1]
    if not all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in last):
        return False
    if any(_fold(w) in _HEADS for w in last):
        return False
    return re.match(r"\s+[a-z]", text[run[end].end() :]) is not None


def _span(
    text: str, run: list[re.Match[str]], start: int, end: int, heads: set[str]
) -> Span | None:
    if end <= start or end - start > 20:
        return None
    a, b = run[start].start(), run[end].end()
    name = text[a:b]
    if generic(name) or NOT_NAMES.match(text[b:]):
        return None
    network = [_NETWORK_HEADS[h] for h in heads if h in _NETWORK_HEADS]
    if network:
        return Span("network", name, a, b, network[0])
    return Span("institution", name, a, b)


def _needs_qualifier(span: Span) -> bool:
    first = _fold(span.name.split()[0])
    return first in _NEEDS_QUALIFIER and "Gov" not in span.name


@cache
def _is_country(word: str) -> bool:
    if len(word) < 3:
        return False
    try:
        pycountry.countries.lookup(word)
        return True
    except LookupError:
        pass
    low = word.lower()
    return any(
        getattr(c, attr, "").lower().split(" ")[0].rstrip(",") in (low, low + "n")
        for c in pycountry.countries
        for attr in ("name", "common_name", "official_name")
    )  # "Russia" for "Russian Federation", "Korea" for "Korea, Republic of"


# -- widening a name ----------------------------------------------------------------------------
def _extend(text: str, span: Span, known: list[Mention]) -> Span:
    end = span.end
    first = _fold(span.name.split()[0])
    words = {_fold(w) for w in span.name.split()}
    if span.kind == "institution" and (first in _GOVERNMENT or words & _GOVERNMENT):
        q = _QUALIFIED.match(text, end)
        if q:
            end = q.end()
    of = re.match(r"\s+of\s+(?:the\s+)?", text[end:])
    unit = of and next(
        (m for m in known if m.kind == "institution" and m.key and m.start == end + of.end()),
        None,
    )
    if unit and _fold(span.name.split()[-1]) in _HEADS:
        end = unit.end  # "X Research Institute of <known university>"
    listed = _LISTED_TO_ACRONYM.match(text, end)
    acronym = None
    if listed and " of " in span.name:
        longer = text[span.start : listed.start(1)].rstrip(" (")
        extra = longer[len(text[span.start : end]) :].replace(",", " ").split()
        if abbreviates(listed.group(1), longer) and not any(_fold(w) in _HEADS for w in extra):
            end, acronym = span.start + len(longer), listed.group(1)
    if end == span.end and acronym is None:
        return span
    return Span(span.kind, text[span.start : end], span.start, end, span.network_kind, acronym)


def _extended_known(text: str, known: list[Mention]) -> list[Span]:
    """Known institution names that are the start of a longer name: a network's ("X
    University Association") or, when the known name fits several records, one with its
    place ("City University Ruritania,")."""
    out = []
    for m in known:
        if m.kind != "institution":
            continue
        head = re.match(r"[^\S\n]+([A-Z][a-z]+)\b", text[m.end :])
        if head and _fold(head.group(1)) in _NETWORK_HEADS:
            end = m.end + head.end()
            kind = _NETWORK_HEADS[_fold(head.group(1))]
            out.append(Span("network", text[m.start : end], m.start, end, kind))
            continue
        if m.key is not None or len(m.candidates) < 2:
            continue
        place = re.match(r"[^\S\n]+([A-Z][a-z]+)(?=\s*(?:[,.;:)]|\s+and\b|$))", text[m.end :])
        if place and not NOT_NAMES.match(place.group(0)):
            end = m.end + place.end()
            out.append(Span("institution", text[m.start : end], m.start, end))
    return out


def is_head(word: str) -> bool:
    """Whether `word` is a head word of institution or network names (University, Network …)."""
    return _fold(word) in _HEADS


def institution_kind(name: str) -> str:
    """The kind of institution a name's first head word says ("X Research Institute of Y
    University" is a research institute): government, academy, research institute (but an
    "Institute of Technology" is a university), university, or other (an acronym alone)."""
    if re.search(r"\bGo(?:vt|vernment)\b", name):
        return "government"
    for word in name.split():
        head = _fold(word)
        if head in _GOVERNMENT:
            return "government"
        if head in {"academy", "akademie", "academie", "academia"}:
            return "academy"
        if head in {"institute", "institut", "instituto", "istituto"}:
            technology = re.search(r"\bInstitute of Technology\b", name)
            return "university" if technology else "research institute"
        if head in _INSTITUTION_HEADS:
            return "university"
    return "other"
