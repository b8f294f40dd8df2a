"""Normalising institution, network and field names so that spelling variants compare equal."""

from __future__ import annotations

import re
import unicodedata

_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "univ": "university",
    "uni": "university",
    "inst": "institute",
    "tech": "technology",
    "natl": "national",
    "intl": "international",
    "acad": "academy",
    "sci": "sciences",
}
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def normalize(name: str) -> str:
    """Lower-case, strip diacritics and punctuation, expand common abbreviations.

    >>> normalize("St. Petersburg  Polytechnic Univ.")
    'saint petersburg polytechnic university'
    >>> normalize("Universität Stuttgart")
    'universitat stuttgart'
    >>> normalize("Ecology & Environment")
    'ecology and environment'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    words = [_ABBREVIATIONS.get(w, w) for w in _SPACE.split(text.strip()) if w]
    return " ".join(words)


# -- canonical keys ---------------------------------------------------------------------------
# `canonical` is for matching only (never for ids): it folds spellings that `normalize` keeps
# apart. Covered, each with a doctest below:
#   * Cyrillic (Russian, Ukrainian, Belarusian letters) → Latin, by a simple BGN-like table;
#   * transliterated Russian institution words and their spelling systems ("Sankt",
#     "Peterburgskii/-iy/-ij", "Politekhnicheskii", "Gosudarstvennyi", "Gornyi", "Universitet"...)
#     → the English word;
#   * "Polytechnical"/"Politechnical"/"Politecnico"/"Polytechnique" → "polytechnic",
#     "Technological"/"Tekhnologicheskii" → "technology", "Technische" → "technical";
#   * "Universität"/"Universidad"/"Université"/"Universiteit"/... → "university";
#   * "St"/"Sankt"/"San(c)t" → "saint", "Saint-Petersburg"/"St Petersburg"/"Sankt-Peterburg" alike;
#   * "the", "of" and Romance/German linking words dropped, and a leading "university"
#     moved to the end, so "University of Tartu" == "Tartu University".
_LATIN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g u"
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў", _LATIN.split(" "), strict=True))
_CYRILLIC["ъ"] = _CYRILLIC["ь"] = ""
_WORDS = [  # (whole-word pattern, canonical word), tried in order
    (r"sankt|sanct|st|saint", "saint"),
    (r"peterburg\w*|petersburg\w*|peterbourg", "petersburg"),
    (r"moskov\w*|moskva|moscou", "moscow"),
    (r"pol[iy]te(?:ch|kh|k|h|c)n\w*", "polytechnic"),
    (r"univer[sz]i\w*", "university"),
    (r"gosudarstvenn\w*", "state"),
    (r"gorn(?:yi|yy|yj|ij|iy|ii|ogo)", "mining"),
    (r"institut|instituto|istituto", "institute"),
    (r"(?:te(?:kh|h|ch)ni(?:ch|c|k)\w*)|technical", "technical"),
    (r"te(?:kh|h|ch)nolog\w*", "technology"),
    (r"natsional\w*|nacional\w*|nazionale|nationale", "national"),
    (r"issledovatel\w*", "research"),
    (r"akademi\w*|academie", "academy"),
]
_WORD_RULES = [(re.compile(rf"^(?:{p})$"), w) for p, w in _WORDS]
_LINKING = frozenset({"the", "of", "de", "di", "del", "della", "der", "des", "du", "da", "do"})
_HEADS = frozenset({"university"})
_PARENS = re.compile(r"\([^)]*\)")


def transliterate(text: str) -> str:
    """Cyrillic letters to Latin ones; other characters unchanged.

    >>> transliterate("Санкт-Петербургский горный университет")
    'Sankt-Peterburgskii gornyi universitet'
    >>> transliterate("Київ")
    'Kiyiv'
    """
    out = []
    for c in text:
        low = c.lower()
        if low in _CYRILLIC:
            latin = _CYRILLIC[low]
            out.append(latin.capitalize() if c != low else latin)
        else:
            out.append(c)
    return "".join(out)


def canonical(name: str) -> str:
    """The key form of a name: spelling, script, word order and language variants folded.

    >>> canonical("St. Petersburg State Polytechnical University")
    'saint petersburg state polytechnic university'
    >>> canonical("Санкт-Петербургский политехнический университет")
    'saint petersburg polytechnic university'
    >>> canonical("Sankt-Peterburgskiy Gornyy Institut") == canonical("St Petersburg Mining Inst.")
    True
    >>> canonical("University of Tartu") == canonical("Tartu University")
    True
    >>> canonical("Universität Stuttgart"), canonical("Politecnico di Milano")
    ('stuttgart university', 'polytechnic milano')
    >>> canonical("Moscow Technological Univ.")
    'moscow technology university'
    >>> canonical("Moskovskii tekhnologicheskii universitet")
    'moscow technology university'
    """
    words = [w for w in normalize(transliterate(name)).split() if w not in _LINKING]
    out = []
    for w in words:
        for rule, canon in _WORD_RULES:
            if rule.match(w):
                w = canon
                break
        out.append(w)
    if len(out) > 1 and out[0] in _HEADS:
        out = [*out[1:], out[0]]
    return " ".join(out)


def canonical_variants(name: str) -> list[str]:
    """`canonical(name)`, and the same without parenthesised parts when it has any.

    >>> for key in canonical_variants("St. Petersburg State Mining Institute (Technical Univ.)"):
    ...     print(key)
    saint petersburg state mining institute technical university
    saint petersburg state mining institute
    """
    keys = [canonical(name)]
    bare = _PARENS.sub(" ", name)
    if bare != name and canonical(bare) and canonical(bare) not in keys:
        keys.append(canonical(bare))
    return keys


def slugify(text: str) -> str:
    """A stable id fragment: ``slugify("Tsinghua University") == "tsinghua-university"``."""
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-") or "x"


def union(first: list[str], second: list[str]) -> list[str]:
    """`first` followed by the items of `second` it lacks, order kept."""
    out = list(first)
    out.extend(x for x in second if x not in out)
    return out


# -- short forms ------------------------------------------------------------------------------
# Head words of institution names: a short form keeps the place after them ("IIT Kharagpur").
_SHORT_HEADS = frozenset(
    {
        "university", "universitat", "universite", "universidad", "universidade", "universita",
        "universiteit", "institute", "institut", "instituto", "istituto", "college", "academy",
        "polytechnic", "politecnico", "politecnica", "hochschule", "school",
    }
)  # fmt: skip
_SHORT_SKIP = frozenset({"of", "and", "the", "for", "at", "in", "de", "di", "du", "der", "zu", "&"})
# Words that end names but are no place: "Tallinn University of Technology" has no short form.
_NOT_PLACES = _SHORT_HEADS | {
    "technology", "technologies", "science", "sciences", "engineering", "management", "arts",
    "medicine", "studies", "research", "education", "economics", "law", "design", "music",
    "agriculture", "mines", "business", "health", "humanities", "architecture", "planning",
    "nursing", "pharmacy", "dentistry", "theology", "languages", "journalism", "commerce",
    "finance", "administration", "communication", "physics", "chemistry", "mathematics",
}  # fmt: skip


def short_forms(name: str) -> list[str]:
    """The initials-and-place forms a name is written as: the initials of the words before a
    final place word, then the place (the words "of", "and", "the" … have no initial).

    Only names with two or more initials, a head word (University, Institute, …) among them
    and a capitalised final word that is not a subject ("… of Technology") have one.

    >>> short_forms("Indian Institute of Technology, Kharagpur")
    ['IIT Kharagpur']
    >>> short_forms("University of California, Berkeley"), short_forms("Freie Universität Berlin")
    (['UC Berkeley'], ['FU Berlin'])
    >>> short_forms("Tallinn University of Technology"), short_forms("Kazan Federal University")
    ([], [])
    """
    words = [w for w in re.split(r"[\s,\-–]+", _PARENS.sub(" ", name)) if w]
    content = [w for w in words if w.lower() not in _SHORT_SKIP]
    if len(content) < 3:
        return []
    lead, place = content[:-1], content[-1]
    if not (place[:1].isupper() and place[1:].islower() and place.isalpha()):
        return []
    if normalize(place) in _NOT_PLACES or not all(w[:1].isupper() for w in lead):
        return []
    if not any(normalize(w) in _SHORT_HEADS for w in lead):
        return []
    return ["".join(w[0] for w in lead).upper() + " " + place]
