"""Finding the institutions, networks and fields a sentence names, longest name first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.identity import best
from kb.names import normalize
from kb.resolve import Resolver

_TOKEN = re.compile(r"\w+|&")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Ministry of Education (India)"
_ORG = r"(?:University|Universität|Universitat|Université|Universidad|Institute|Institut|Academy|Polytechnic|Politecnico|College)"  # noqa: E501
_CAP = r"(?:[A-Z][\w'’.-]*|of|and|&|for|the|de|di|du)"
# An unknown name such as "Kazan Federal University" or "Institute of Physics and Technology".
_UNKNOWN = re.compile(
    rf"\b(?:[A-Z][\w'’.-]*\s+)(?:{_CAP}\s+){{0,5}}{_ORG}\b(?:\s+of(?:\s+{_CAP})+)?|\b{_ORG}\s+of(?:\s+{_CAP})+"
)
_LEADING = {"the", "this", "a", "an", "our", "its", "their", "explore", "visit", "at", "and", "of"}
_GENERIC = {
    "university", "institute", "academy", "polytechnic", "college", "of", "and", "the", "for",
    "sciences", "science", "technology", "technical", "state", "national", "research",
    "federal", "international", "world", "universitat", "universite", "universidad", "institut",
}  # fmt: skip
_NOT_NAMES = re.compile(r"\s+(?:Rankings?|Press|News|Network)\b")


@dataclass(frozen=True)
class Mention:
    """A name found in a sentence: `key` is None when it matches nothing or several records."""

    kind: str  # institution | network | field
    key: str | None
    text: str
    start: int
    end: int
    candidates: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    """Names of records by their normalised tokens; one-word names (acronyms) match exactly."""

    phrases: dict[tuple[str, ...], dict[str, set[str]]] = field(default_factory=dict)
    words: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    longest: int = 1

    def add(self, kind: str, key: str, name: str) -> None:
        tokens = tuple(normalize(name).split())
        if not tokens:
            return
        if len(tokens) == 1:
            exact = name.strip()
            self.words.setdefault(exact, {}).setdefault(kind, set()).add(key)
        else:
            self.phrases.setdefault(tokens, {}).setdefault(kind, set()).add(key)
            self.longest = max(self.longest, len(tokens))

    def scan(self, text: str, kinds: tuple[str, ...] | None = None) -> list[Mention]:
        """Names in `text`, left to right; at each place the longest name wins."""
        toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        norm = [normalize(t) for t, _, _ in toks]
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = self._longest_at(toks, norm, i, kinds)
            if hit is None:
                i += 1
                continue
            n, kind, keys = hit
            start, end = toks[i][1], toks[i + n - 1][2]
            key = _one(kind, keys)
            out.append(Mention(kind, key, text[start:end], start, end, tuple(sorted(keys))))
            i += n
        return out

    def _longest_at(
        self,
        toks: list[tuple[str, int, int]],
        norm: list[str],
        i: int,
        kinds: tuple[str, ...] | None,
    ) -> tuple[int, str, set[str]] | None:
        for n in range(min(self.longest, len(toks) - i), 1, -1):
            found = self.phrases.get(tuple(w for t in norm[i : i + n] for w in t.split()))
            if found:
                for kind in kinds or tuple(found):
                    if kind in found:
                        return n, kind, found[kind]
        found = self.words.get(toks[i][0])
        for kind in kinds or tuple(found or ()):
            if found and kind in found:
                return 1, kind, found[kind]
        return None


def _one(kind: str, keys: set[str]) -> str | None:
    if len(keys) == 1:
        return next(iter(keys))
    if kind == "field":  # ISCED-F repeats a name down a line ("Law" is 042 and 0421)
        deepest = max(keys, key=len)
        if all(deepest.startswith(k) for k in keys):
            return deepest
    return None


def build_gazetteer(resolver: Resolver, kinds: tuple[str, ...]) -> Gazetteer:
    """Every name, alias, acronym and former name of the store's records of `kinds`."""
    g = Gazetteer()
    for kind in kinds:
        for key, entry in resolver.entries(kind).items():
            for name in {entry.name, *entry.names}:
                if not name:
                    continue
                g.add(kind, key, name)
                bare = _QUALIFIER.sub("", name)
                if bare != name and len(bare.split()) > 1:
                    g.add(kind, key, bare)
    return g


def unknown_names(text: str, known: list[Mention]) -> list[tuple[str, int, int]]:
    """Names shaped like an institution's ("X University", "Institute of Y") not known."""
    masked = list(text)
    for m in known:
        masked[m.start : m.end] = "\0" * (m.end - m.start)
    out = []
    for m in _UNKNOWN.finditer("".join(masked)):
        name, start = m.group(0), m.start()
        words = name.split()
        while words and words[0].lower().strip("'’s") in _LEADING | {"russia", "india", "china"}:
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1].lower() in {"of", "and", "the", "&", "for"}:
            words = words[:-1]
        name = " ".join(words).rstrip(",.")
        generic = all(normalize(w) in _GENERIC for w in words)
        if len(words) < 2 or generic or _NOT_NAMES.match(text[start + len(name) :]):
            continue
        out.append((name, start, start + len(name)))
    return out


def resolve_institution(resolver: Resolver, name: str) -> tuple[str | None, float]:
    """The institution `name` means and its score, when `kb.identity` is sure of it."""
    match = best(resolver.store, name)
    return (match.id, match.score) if match else (None, 0.0)
