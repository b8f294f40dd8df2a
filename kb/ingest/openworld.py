"""The open-world evaluation: ingest against a store that knows none of the articles' facts.

In the closed setting the store already holds the seed knowledge base, so every name an
article uses is known before reading it. Here the store holds only the reference data and
the world-universities list, as a new user's store would: ingest must find the institutions
(list entries, or names it has never seen) and the networks by itself, and a reviewer sees
every proposal. Proposals are matched to the labelled ids by name, the way a reviewer
would: a proposal is labelled institution X when one of its names, in canonical form
(`kb.names.canonical`), is one of X's names in the seed knowledge base, or when they share a
web domain. Nothing else of the seed knowledge base is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.ingest.extract import Extraction
from kb.loaders.kbfiles import parse_file
from kb.loaders.seed import seed_dir
from kb.names import canonical, canonical_variants
from kb.resolve import Resolver


@dataclass
class _Names:
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_domain: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key: str, names: Iterable[str], domains: Iterable[str] = ()) -> None:
        for n in names:
            # "Ministry of Education (India)" is also written "Ministry of Education", as the
            # gazetteer reads it (a parenthesised qualifier is no part of the name as written)
            for variant in canonical_variants(n) if n else ():
                self.by_name.setdefault(variant, set()).add(key)
        for d in domains:
            self.by_domain.setdefault(d.lower(), set()).add(key)

    def match(self, names: Iterable[str], domains: Iterable[str] = ()) -> str | None:
        hits: set[str] = set()
        for d in domains:
            hits |= self.by_domain.get(d.lower(), set())
        for n in names:
            hits |= self.by_name.get(canonical(n), set())
        return min(hits) if len(hits) == 1 else None


class GoldNames:
    """The labelled institutions' and networks' names, from the seed knowledge base."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or seed_dir()
        self.institutions, self.networks = _Names(), _Names()
        for rec, _ in parse_file(folder / "institutions.yaml").items:
            names = [rec.name, *rec.aliases, *rec.acronyms, *rec.former_names]
            self.institutions.add(rec.id, names, rec.domains)
        for rec, _ in parse_file(folder / "networks.yaml").items:
            self.networks.add(rec.id, [rec.name, *rec.aliases, *rec.acronyms])


def open_predicted(ex: Extraction, resolver: Resolver, gold: GoldNames) -> dict[str, set]:
    """Every fact proposed from one article (accepted or for review), in labelled ids.

    A proposal that matches no labelled record keeps its own key, prefixed with `?`, so it
    counts against precision.
    """
    surface: dict[str, set[str]] = {}
    for i in ex.institutions:
        key = i.key or _new_key(ex, i.name)
        surface.setdefault(key, set()).add(i.name)
    for key, name in ex.new_names.items():
        surface.setdefault(key, set()).add(name)
    known = resolver.entries("institution")
    networks = resolver.entries("network")

    def inst(key: str) -> str:
        e = known.get(key)
        names = surface.get(key, set()) | ({e.name, *e.names} if e else set())
        return gold.institutions.match(names, e.domains if e else ()) or f"?{key}"

    def net(key: str) -> str:
        e = networks.get(key)
        names = {key, *([e.name, *e.names] if e else [])}
        return gold.networks.match(names) or f"?{key}"

    return {
        "institutions": {inst(i.key or _new_key(ex, i.name)) for i in ex.institutions},
        "agreements": {(frozenset(map(inst, a.parties)), a.kind) for a in ex.agreements},
        "memberships": {(inst(m.institution), net(m.network)) for m in ex.memberships},
        "thematic_areas": {(net(f.network), f.code) for f in ex.focuses},
    }


def _new_key(ex: Extraction, name: str) -> str:
    for key, known in ex.new_names.items():
        if known == name:
            return key
    return name
