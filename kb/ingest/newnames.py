"""The names one article introduces, read before its facts: new institutions and networks
(`kb.ingest.spans`), the acronyms and shorter forms the article uses for them and for known
ones, and how sure each is. They make a small gazetteer laid over the store's for that article
(`Gazetteer.overlay`), so that a later "QIT" is the "Quuxville Institute of Technology (QIT)"
of an earlier sentence — or of a later one: a headline often uses the acronym first.

* "Name (ABC)": ABC stands for the name just before it when its capitals are initials of the
  name's words (`programmes.abbreviates`).
* A name ending in an all-capitals word ("Quuxville Institute of Technology QIT") is also
  known by that word.
* An acronym the article uses but neither defines nor the store knows stands for the one name
  of the article whose words' initials it spells, or the initials of its last words ("OQIT"
  or "QIT" for "Old Quuxville Institute of Technology"; capitals only: "QuIT").
* A new network is also known by its first word and the initials of the others ("ABC NU" for
  "ABC Network University"), and any name by its initials-and-place form ("QIT Springfield"
  for "Quuxville Institute of Technology Springfield"), where the article writes them.
* A new name that ends a longer new name of the same article, whose extra words hold no head
  word and no "of" ("Quuxville Institute" in "Old Quuxville Institute"), is that institution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.ingest.facts import NewNetwork
from kb.ingest.gazetteer import Gazetteer, resolve_institution
from kb.ingest.programmes import abbreviates, defined_acronym
from kb.ingest.reading import Article
from kb.ingest.spans import Span, find_spans, is_head
from kb.names import normalize, short_forms, slugify
from kb.resolve import Resolver

_NO_INITIAL = frozenset({"of", "and", "the", "for", "in", "at", "de", "di", "du", "der", "zu"})
_ACRONYM_TOKEN = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")


@dataclass
class ArticleNames:
    """An article's own names: `gazetteer` to lay over the store's, `unsure` the close-match
    score of each name (normalised) that the store does not know by that name."""

    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    unsure: dict[str, float] = field(default_factory=dict)
    institutions: dict[str, str] = field(default_factory=dict)  # new id -> name
    networks: dict[str, NewNetwork] = field(default_factory=dict)  # new id -> network


@dataclass
class _Named:
    kind: str
    key: str
    name: str
    score: float | None  # None: the store knows it by this name


def article_names(article: Article, resolver: Resolver, names: Gazetteer) -> ArticleNames:
    """Read `article` for the names it introduces (see the module's doc)."""
    out = ArticleNames()
    named: list[_Named] = []
    defined: list[tuple[str, _Named]] = []
    for s in article.sentences:
        known = names.scan(s.text)
        for m in known:
            if m.key and m.kind in ("institution", "network"):
                n = _Named(m.kind, m.key, m.text, None)
                named.append(n)
                acronym = defined_acronym(s.text, m.end)
                if acronym and abbreviates(acronym, m.text):
                    defined.append((acronym, n))
        for span in find_spans(s.text, known):
            n = _identify(span, resolver, out, s.text)
            named.append(n)
            acronym = span.acronym or defined_acronym(s.text, span.end)
            if acronym and abbreviates(acronym, span.name):
                defined.append((acronym, n))
            *before, last = span.name.split()
            if n.kind == "institution" and any(is_head(w) for w in before) and _acronym(last):
                defined.append((last, n))  # "Quuxville Institute of Technology QIT"
    same = _same_institutions(out, named)
    for n in named:
        n.key = same.get(n.key, n.key)
        _register(out, n.name, n)
    for acronym, n in defined:
        _register(out, acronym, n, acronym=True)
    text = "\n".join(s.text for s in article.sentences)
    _undefined_acronyms(out, names, named, text)
    _short_forms(out, named, text)
    return out


def _identify(span: Span, resolver: Resolver, out: ArticleNames, evidence: str) -> _Named:
    if span.kind == "network":
        keys = resolver.by_name("network", span.name)
        if len(keys) == 1:
            return _Named("network", next(iter(keys)), span.name, None)
        key = slugify(span.name)
        out.networks.setdefault(key, NewNetwork(span.name, span.network_kind or "", evidence))
        return _Named("network", key, span.name, 0.0)
    found, score = resolve_institution(resolver, span.name)
    if found is not None:
        return _Named("institution", found, span.name, score)
    key = slugify(span.name)
    out.institutions.setdefault(key, span.name)
    return _Named("institution", key, span.name, 0.0)


def _same_institutions(out: ArticleNames, named: list[_Named]) -> dict[str, str]:
    """New id -> the new id of the longer name it ends ("Quuxville Institute" -> "Old …")."""
    same: dict[str, str] = {}
    new = sorted(out.institutions.items(), key=lambda kv: -len(kv[1].split()))
    for key, name in new:
        words = normalize(name).split()
        for longer_key, longer in new:
            if longer_key == key or key in same:
                continue
            more = normalize(longer).split()
            extra = more[: len(more) - len(words)]
            if (
                len(words) > 1
                and len(more) > len(words)
                and more[-len(words) :] == words
                and "of" not in extra
                and not any(is_head(w) for w in extra)
            ):
                same[key] = same.get(longer_key, longer_key)
    for key in same:
        del out.institutions[key]
    return same


def _register(out: ArticleNames, name: str, n: _Named, acronym: bool = False) -> None:
    """Add `name` for `n` to the article's gazetteer; a new network keeps it as an acronym."""
    out.gazetteer.add(n.kind, n.key, name)
    if n.score is not None:
        out.unsure[normalize(name)] = n.score
    network = out.networks.get(n.key) if n.kind == "network" else None
    if network and acronym and name not in network.acronyms:
        network.acronyms.append(name)


def _undefined_acronyms(
    out: ArticleNames, names: Gazetteer, named: list[_Named], text: str
) -> None:
    for token in dict.fromkeys(m.group(0) for m in _ACRONYM_TOKEN.finditer(text)):
        capitals = "".join(c for c in token if c.isupper())
        if len(capitals) < 3 or len(token) > 10 or names.has(token) or out.gazetteer.has(token):
            continue
        hits = {n.key: n for n in named if _spells(capitals, n.name)}
        if len(hits) == 1:
            _register(out, token, next(iter(hits.values())), acronym=True)


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper() and word.isalpha()


def _spells(capitals: str, name: str) -> bool:
    words = [w for w in re.findall(r"[^\W_]+", name) if w.lower() not in _NO_INITIAL]
    initials = "".join(w[0] for w in words).upper()
    return initials == capitals or (len(capitals) >= 3 and initials.endswith(capitals))


def _short_forms(out: ArticleNames, named: list[_Named], text: str) -> None:
    for n in {(n.kind, n.key, n.name): n for n in named}.values():
        words = n.name.split()
        forms = list(short_forms(n.name))
        if n.kind == "network" and len(words) > 2 and words[0].isupper():
            rest = [w for w in words[1:] if w.lower() not in _NO_INITIAL]
            forms.append(words[0] + " " + "".join(w[0] for w in rest).upper())
        for form in forms:
            if not out.gazetteer.has(form) and re.search(rf"\b{re.escape(form)}\b", text):
                out.gazetteer.add_short(n.kind, n.key, form)
                if n.score is not None:
                    out.unsure[normalize(form)] = n.score
                if n.key in out.networks and n.kind == "network":
                    out.networks[n.key].acronyms.append(form)
