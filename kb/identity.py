"""Institution identity: which institutions a name, acronym, URL or domain most likely means.

Every name an institution is known by (its name, aliases, acronyms, former names, names from
the world-universities list) and every web domain is indexed once per store. A query is matched
exactly first (id, domain, normalised name, canonical key — see :func:`kb.names.canonical`),
then fuzzily over canonical keys with rapidfuzz. Each match carries a score in 0–1, the
reason and whether it is *sure*. Callers must merge only sure matches: an unsure match is a
candidate for a person to confirm, never an identity.

Scores: an id, a domain or a normalised name that equals one of the institution's names scores 1.0;
a parent domain 0.98; an equal canonical key (transliteration, word order, spelling variants) 0.97;
a short form of a name ("IIT Kharagpur" for "Indian Institute of Technology, Kharagpur",
see :func:`kb.names.short_forms`) 0.96, so that it is sure only when no other institution has
it; a fuzzy match rapidfuzz's token_sort_ratio over canonical keys × 0.95, so that no fuzzy
match ties an exact one (token_sort_ratio ignores word order and, unlike WRatio, does not reward
a long name for containing one shared word such as "university"). A country hint adds 0.05 to
matches in that country and takes 0.05 from matches elsewhere. The best match is sure when it
scores at least ``SURE`` and leads the next institution by at least ``MARGIN``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from kb.loaders.countries import country_code
from kb.names import canonical_variants, normalize, short_forms, transliterate
from kb.store.base import GraphStore

Reason = Literal[
    "id",
    "domain",
    "acronym",
    "name",
    "alias",
    "former name",
    "list name",
    "short form",
    "fuzzy name",
]
SURE = 0.92
MARGIN = 0.05
COUNTRY_BOOST = 0.05
FUZZY_SCALE = 0.95
SHORT_FORM_SCORE = 0.96
FUZZY_CUTOFF = 60  # rapidfuzz points below which a name is not a candidate at all
_EPS = 1e-9
_WORLD_LIST = "world-universities"
# Reasons in the order a match reports them when a name is several at once: Reason's order.
_REASON_ORDER: tuple[Reason, ...] = get_args(Reason)
_KIND_ORDER = _REASON_ORDER[2:-1]  # the kinds of name: acronym … short form
_QUERY = (
    "MATCH (n:Institution) OPTIONAL MATCH (n)-[:LOCATED_IN]->(c:Country) "
    "RETURN n.id, n.name, n.origin, n.aliases, n.acronyms, n.former_names, n.list_names, "
    "n.domains, c.iso2"
)
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


@dataclass(frozen=True)
class Match:
    """One institution a name may mean."""

    id: str
    name: str
    country: str | None
    score: float
    reason: Reason
    detail: str  # what matched: the alias, domain or name text
    sure: bool = False
    country_hint: bool = False  # the score was raised because the country agrees

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def why(self) -> str:
        """The reason with the country hint named, e.g. ``"fuzzy name + country RU"``."""
        return f"{self.reason} + country {self.country}" if self.country_hint else self.reason


@dataclass
class _Inst:
    id: str
    name: str
    country: str | None


@dataclass
class IdentityIndex:
    """The names and domains of every institution in a store, ready for matching."""

    institutions: dict[str, _Inst] = field(default_factory=dict)
    # normalised name → {(institution id, kind, original text)}
    exact: dict[str, set[tuple[str, Reason, str]]] = field(default_factory=dict)
    compact: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # acronym, no spaces
    keys: dict[str, set[tuple[str, Reason, str]]] = field(default_factory=dict)  # canonical
    short: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # "IIT Kharagpur"
    domains: dict[str, set[str]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)  # canonical keys for fuzzy matching
    size: int = 0

    @classmethod
    def build(cls, store: GraphStore) -> IdentityIndex:
        """Read every institution from `store`. O(names) time and memory."""
        index = cls()
        for row in store.run(_QUERY).rows:
            key, name, origin, aliases, acronyms, former, listed, domains, iso2 = row
            index._add(key, name or key, origin, aliases, acronyms, former, listed, domains, iso2)
        index.choices = [k for k in index.keys if len(k) >= 4]
        index.size = len(index.institutions)
        return index

    def _add(self, key, name, origin, aliases, acronyms, former, listed, domains, iso2) -> None:
        self.institutions[key] = _Inst(key, name, iso2 or None)
        listed = set(listed or [])
        names: list[tuple[str, Reason]] = [(name, "list name" if origin == _WORLD_LIST else "name")]
        names += [(a, "list name" if a in listed else "alias") for a in aliases or []]
        names += [(a, "list name") for a in listed - set(aliases or [])]
        names += [(f, "former name") for f in former or []]
        for text, kind in names:
            if text:
                self.exact.setdefault(normalize(text), set()).add((key, kind, text))
                for k in canonical_variants(text):
                    self.keys.setdefault(k, set()).add((key, kind, text))
                for short in short_forms(text):
                    self.short.setdefault(normalize(short), set()).add((key, text))
        for acronym in acronyms or []:
            if acronym:
                self.exact.setdefault(normalize(acronym), set()).add((key, "acronym", acronym))
                self.compact.setdefault(_compact(acronym), set()).add((key, acronym))
        for d in domains or []:
            self.domains.setdefault(_host(d), set()).add(key)

    def match(self, text: str, country: str | None = None, limit: int = 5) -> list[Match]:
        """The best `limit` matches for `text`, best first, with `sure` set on the first."""
        text = text.strip()
        if not text or limit < 1:
            return []
        best: dict[str, tuple[float, Reason, str]] = {}

        def offer(key: str, score: float, reason: Reason, detail: str) -> None:
            old = best.get(key)
            if (
                old is None
                or score > old[0] + _EPS
                or (abs(score - old[0]) <= _EPS and _rank(reason) < _rank(old[1]))
            ):
                best[key] = (score, reason, detail)

        if text in self.institutions:
            offer(text, 1.0, "id", text)
        host = _as_domain(text)
        if host:
            for i, d in enumerate(_parents(host)):
                for key in self.domains.get(d, ()):
                    offer(key, 1.0 if i == 0 else 0.98, "domain", d)
        for key, kind, original in self.exact.get(normalize(text), ()):
            offer(key, 1.0, kind, original)
        if " " not in text.strip():
            for key, original in self.compact.get(_compact(text), ()):
                offer(key, 1.0, "acronym", original)
        for key, original in self.short.get(normalize(text), ()):
            offer(key, SHORT_FORM_SCORE, "short form", original)
        query_keys = canonical_variants(text)
        for qk in query_keys:
            for key, kind, original in self.keys.get(qk, ()):
                offer(key, 0.97, kind, original)
        if query_keys[0] and not host:
            hits = process.extract(
                query_keys[0],
                self.choices,
                scorer=fuzz.token_sort_ratio,
                limit=max(limit * 4, 20),
                score_cutoff=FUZZY_CUTOFF,
            )
            for choice, points, _ in hits:
                for key, _kind, original in self.keys[choice]:
                    offer(key, round(points / 100 * FUZZY_SCALE, 4), "fuzzy name", original)
        iso2 = country_code(country) if country else None
        ranked = []
        for key, (score, reason, detail) in best.items():
            inst = self.institutions[key]
            hinted = False
            if iso2 and inst.country == iso2:
                score, hinted = min(1.0, score + COUNTRY_BOOST), True
            elif iso2 and inst.country:
                score = max(0.0, score - COUNTRY_BOOST)
            ranked.append(
                Match(key, inst.name, inst.country, round(score, 4), reason, detail, False, hinted)
            )
        ranked.sort(key=lambda m: (-m.score, _rank(m.reason), m.id))
        if ranked and _is_sure(ranked):
            ranked[0] = Match(**{**ranked[0].as_dict(), "sure": True})
        return ranked[:limit]


def _is_sure(ranked: list[Match]) -> bool:
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return top.score >= SURE - _EPS and top.score - runner_up >= MARGIN - _EPS


def _rank(reason: Reason) -> int:
    return _REASON_ORDER.index(reason)


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", normalize(transliterate(text)))


def _host(domain: str) -> str:
    d = domain.strip().lower().rstrip(".")
    return d[4:] if d.startswith("www.") else d


def _as_domain(text: str) -> str | None:
    """The host of a URL or a bare domain ("https://www.iitkgp.ac.in/", "spbstu.ru")."""
    t = text.strip().lower()
    if " " in t:
        return None
    if "://" not in t:
        t = "//" + t
    try:
        host = urlsplit(t).hostname or ""
    except ValueError:
        return None
    host = _host(host)
    return host if _DOMAIN.match(host) else None


def _parents(host: str) -> list[str]:
    """The host and its parents with at least two labels: a.b.ac.in → b.ac.in → ac.in."""
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


_CACHE: weakref.WeakKeyDictionary[GraphStore, IdentityIndex] = weakref.WeakKeyDictionary()


def identity_index(store: GraphStore, *, refresh: bool = False) -> IdentityIndex:
    """The store's index, built on first use and kept until `refresh` (or :func:`forget`).

    The index is rebuilt by itself when the number of institutions changes; after editing
    names or domains of existing institutions, pass ``refresh=True``.
    """
    index = None if refresh else _CACHE.get(store)
    if index is not None and _institution_count(store) == index.size:
        return index
    index = IdentityIndex.build(store)
    _CACHE[store] = index
    return index


def forget(store: GraphStore) -> None:
    """Drop the cached index of `store`; the next call rebuilds it."""
    _CACHE.pop(store, None)


def _institution_count(store: GraphStore) -> int:
    return int(store.run("MATCH (n:Institution) RETURN count(n)").rows[0][0])


def resolve_institution(
    store: GraphStore,
    name: str,
    *,
    country: str | None = None,
    limit: int = 5,
    refresh: bool = False,
) -> list[Match]:
    """The institutions `name` most likely means, best first.

    Parameters
    ----------
    store : the graph store (its index is built once and cached).
    name : a name in any spelling or script, an acronym, an id, a URL or a web domain.
    country : an ISO 3166-1 code or English country name; matches there rank higher.
    limit : at most this many matches.
    refresh : rebuild the index first (after names or domains were edited).

    Returns
    -------
    Matches with score (0–1), reason, the matched text and `sure`. Only the first can be sure;
    merge nothing that is not. An empty list when nothing is close.

    Complexity: O(names) for the fuzzy step (rapidfuzz, about 10 ms over 10,000 institutions).

    >>> from kb.store import open_store  # doctest: +SKIP
    >>> resolve_institution(open_store("embedded://kb-data"), "IITKGP")[0].id  # doctest: +SKIP
    'iit-kharagpur'
    """
    return identity_index(store, refresh=refresh).match(name, country, limit)


def best(store: GraphStore, name: str, country: str | None = None) -> Match | None:
    """The match `name` surely means, or None when no match is sure."""
    matches = resolve_institution(store, name, country=country, limit=2)
    return matches[0] if matches and matches[0].sure else None
