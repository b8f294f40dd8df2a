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


def slugify(text: str) -> str:
    """A stable id fragment: ``slugify("Tsinghua University") == "tsinghua-university"``."""
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-") or "x"


def union(first: list[str], second: list[str]) -> list[str]:
    """`first` followed by the items of `second` it lacks, order kept."""
    out = list(first)
    out.extend(x for x in second if x not in out)
    return out
