"""Finding the institutions, networks and fields a sentence names, longest name first.

The gazetteer holds every name of the store's records. A name from the world-universities
list made only of generic words ("Polytechnic University", "School of Management",
"University of Technology") is left out: in running text it is part of a longer name or an
article's short reference to its own institution, never a name by itself. Each institution's
short forms ("IIT Kharagpur" for "Indian Institute of Technology, Kharagpur",
`kb.names.short_forms`) are added where no record has that name. Names an article introduces
itself (new names, their acronyms) go into a small gazetteer laid over the store's
(`Gazetteer.overlay`). Names the store lacks are found by `kb.ingest.spans`.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from kb.identity import best
from kb.names import normalize, short_forms
from kb.resolve import Resolver

_TOKEN = re.compile(r"\w+|&")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Ministry of Education (India)"
# Words that name no institution by themselves: a name made only of these is generic.
GENERIC = frozenset(
    {
        "university", "institute", "academy", "polytechnic", "college", "of", "and", "the",
        "for", "in", "at", "sciences", "science", "technology", "technologies", "technical",
        "state", "national", "research", "federal", "international", "world", "universitat",
        "universite", "universidad", "institut", "school", "management", "business",
        "engineering", "medicine", "medical", "law", "arts", "art", "economics", "education",
        "agriculture", "agricultural", "design", "music", "health", "nursing", "applied",
        "higher", "graduate", "studies", "open", "central", "public", "private", "humanities",
        "politecnico", "politecnica", "hochschule",
    }
)  # fmt: skip


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

    phrases: MutableMapping[tuple[str, ...], dict[str, set[str]]] = field(default_factory=dict)
    words: MutableMapping[str, dict[str, set[str]]] = field(default_factory=dict)
    longest: int = 1
    # short forms, by their initials as written and the place's normalised tokens: "IIT
    # Kharagpur" matches "IIT Kharagpur", never "iit kharagpur" (nor "as Architecture")
    shorts: MutableMapping[tuple[str, ...], dict[str, set[str]]] = field(default_factory=dict)

    def overlay(self, local: Gazetteer) -> Gazetteer:
        """This gazetteer with `local`'s names added (they win where both have a name);
        neither is changed."""
        return Gazetteer(
            ChainMap(local.phrases, self.phrases),  # type: ignore[arg-type]
            ChainMap(local.words, self.words),  # type: ignore[arg-type]
            max(self.longest, local.longest),
            ChainMap(local.shorts, self.shorts),  # type: ignore[arg-type]
        )

    def has(self, name: str) -> bool:
        tokens = tuple(normalize(name).split())
        if len(tokens) == 1:
            return name.strip() in self.words
        return tokens in self.phrases or _short_key(name) in self.shorts

    def add_short(self, kind: str, key: str, short: str) -> None:
        """Add a short form ("IIT Kharagpur"): its initials match only as written."""
        self.shorts.setdefault(_short_key(short), {}).setdefault(kind, set()).add(key)

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
        if i + 1 < len(toks) and self.shorts:
            found = self.shorts.get((toks[i][0], *norm[i + 1].split()))
            for kind in kinds or tuple(found or ()):
                if found and kind in found:
                    return 2, kind, found[kind]
        found = self.words.get(toks[i][0])
        for kind in kinds or tuple(found or ()):
            if found and kind in found:
                return 1, kind, found[kind]
        return None


def _short_key(short: str) -> tuple[str, ...]:
    initials, _, place = short.strip().partition(" ")
    return (initials, *normalize(place).split())


def _one(kind: str, keys: set[str]) -> str | None:
    if len(keys) == 1:
        return next(iter(keys))
    if kind == "field":  # ISCED-F repeats a name down a line ("Law" is 042 and 0421)
        deepest = max(keys, key=len)
        if all(deepest.startswith(k) for k in keys):
            return deepest
    return None


def generic(name: str) -> bool:
    """Whether `name` is made only of generic words ("Polytechnic University")."""
    return all(w in GENERIC for w in normalize(name).split())


def build_gazetteer(resolver: Resolver, kinds: tuple[str, ...]) -> Gazetteer:
    """Every name, alias, acronym and former name of the store's records of `kinds`; for
    institutions, without generic names and with short forms."""
    g = Gazetteer()
    shorts: list[tuple[str, str]] = []
    for kind in kinds:
        for key, entry in resolver.entries(kind).items():
            for name in {entry.name, *entry.names}:
                listed = entry.origin == "world-universities"
                if not name or (listed and len(name.split()) > 1 and generic(name)):
                    continue
                g.add(kind, key, name)
                bare = _QUALIFIER.sub("", name)
                if bare != name and len(bare.split()) > 1 and not generic(bare):
                    g.add(kind, key, bare)
                if kind == "institution":
                    shorts += [(key, short) for short in short_forms(name)]
    for key, short in shorts:
        if tuple(normalize(short).split()) not in g.phrases:
            g.add_short("institution", key, short)
    return g


def resolve_institution(resolver: Resolver, name: str) -> tuple[str | None, float]:
    """The institution `name` means and its score, when `kb.identity` is sure of it."""
    match = best(resolver.store, name)
    return (match.id, match.score) if match else (None, 0.0)
