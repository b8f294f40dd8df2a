"""Sources, institutions and networks: the world that agreements are then drawn over."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from kb.synth import tables as t
from kb.synth.spec import Report, Spec, dumps, write_lines

INSTITUTE, ACADEMY, COMPANY = (
    t.INST_KINDS.index(k) for k in ("research institute", "academy", "company")
)


class Picker:
    """Draws indices in proportion to weights, overall or within one group per draw (a
    country, a region, a broad field), vectorised: one cumulative sum, one binary search."""

    def __init__(self, weights: np.ndarray, groups: np.ndarray) -> None:
        self.order = np.argsort(groups, kind="stable")
        self.cum = np.concatenate([[0.0], np.cumsum(weights[self.order])])
        labels = np.arange(int(groups.max()) + 1)
        ordered = groups[self.order]
        self.start = np.searchsorted(ordered, labels, "left")
        self.end = np.searchsorted(ordered, labels, "right")

    def draw(self, u: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
        """One index per uniform number in u, from the whole set or from group[i]."""
        if group is None:
            lo, hi = np.zeros(len(u), np.int64), np.full(len(u), len(self.order))
        else:
            lo, hi = self.start[group], self.end[group]
        base, top = self.cum[lo], self.cum[hi]
        pos = np.searchsorted(self.cum, base + u * (top - base), "right") - 1
        return self.order[np.clip(pos, lo, hi - 1)]


@dataclass
class World:
    """What agreements are drawn from: ids, names, popularity, places, strengths, sources."""

    ids: list[str]
    names: list[str]  # JSON-escaped, without quotes, ready to go into a title
    country: np.ndarray
    region: np.ndarray
    weight: np.ndarray
    strengths: np.ndarray  # (N, 3) field indices, -1 where none
    n_strengths: np.ndarray
    codes: list[str]
    fields: Picker  # grouped by broad field
    field_broad: np.ndarray
    source_days: np.ndarray  # sorted, days since 1970
    source_ids: list[str]
    party_json: list[str] = field(default_factory=list)  # ',{"institution":"syn-i…"}' per id
    code_json: list[str] = field(default_factory=list)  # '"0724"' per field

    def __post_init__(self) -> None:
        self.party_json = [f',{{"institution":"{i}"}}' for i in self.ids]
        self.code_json = [f'"{c}"' for c in self.codes]


def tsv(name: str) -> list[list[str]]:
    """The rows of a kb/data table, without its header and comment lines."""
    text = resources.files("kb").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")][1:]


def year_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per year of the span: its first day, its days up to the horizon, its probability."""
    years = np.arange(t.FIRST_YEAR, t.HORIZON.year + 1)
    start = np.array([np.datetime64(f"{y}-01-01") for y in years]).astype(np.int64)
    end = np.append(start[1:], np.datetime64(t.HORIZON).astype(np.int64) + 1)
    p = t.YEARLY_GROWTH ** (years - t.FIRST_YEAR)
    return start, end - start, p / p.sum()


def draw_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """n days (since 1970) over the 30-year span, recent years more likely."""
    start, span, p = year_table()
    y = rng.choice(len(start), n, p=p)
    return start[y] + (rng.random(n) * span[y]).astype(np.int64)


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    """n city-like names ("Kalgrad", "Selinoport"), distinct while the syllables last; drawn
    from the shortest forms that leave room, since real place names are short."""
    on, mid, end = t.ONSETS.split(), t.MIDDLES.split(), t.ENDINGS.split()
    sizes = np.cumsum([len(on), len(on) * len(mid), len(on) * len(mid) ** 2]) * len(end)
    space = int(next((s for s in sizes if s >= 3 * n), sizes[-1]))
    names: list[str] = []
    for k in rng.choice(space, min(n, space), replace=False).tolist():
        e, k = end[k % len(end)], k // len(end)
        o, k = on[k % len(on)], k // len(on)
        middle = "" if k == 0 else mid[(k - 1) % len(mid)]
        if k > len(mid):
            middle += mid[((k - 1) // len(mid) - 1) % len(mid)]
        names.append(o + middle + e)
    return [names[i % len(names)] for i in range(n)]


def unique_name(
    place: str, patterns: list[tuple[str, str]], first: int, seen: set[str]
) -> tuple[str, str]:
    """The first free name among a kind's patterns from the drawn one, as a city's several
    universities are named; numbered ("… No. 2") only when a city has used them all."""
    for j in range(len(patterns)):
        template, hint = patterns[(first + j) % len(patterns)]
        if (name := template.format(place)) not in seen:
            seen.add(name)
            return name, hint
    template, hint = patterns[first]
    k = 2
    while (name := f"{template.format(place)} No. {k}") in seen:
        k += 1
    seen.add(name)
    return name, hint


def build_world(
    out_dir: Path, spec: Spec, seeds: list[np.random.SeedSequence], report: Report
) -> World:
    """Write sources, institutions, networks and memberships; return what agreements need."""
    src_rng, inst_rng, net_rng = (np.random.default_rng(s) for s in seeds)
    # Sources in date order, so that an agreement can cite one published soon after it.
    days = np.sort(draw_days(src_rng, spec.n_sources))
    w = max(4, len(str(spec.n_sources)))
    source_ids = [f"syn-s{i:0{w}d}" for i in range(1, spec.n_sources + 1)]
    titles = src_rng.integers(len(t.SOURCE_TITLES), size=spec.n_sources).tolist()
    publishers = src_rng.integers(len(t.PUBLISHERS), size=spec.n_sources).tolist()
    lines = []
    for i, day in enumerate(days.astype("datetime64[D]").tolist()):
        title = t.SOURCE_TITLES[titles[i]].format(m=day.strftime("%B %Y"), y=day.year)
        rec = {"id": source_ids[i], "title": title, "publisher": t.PUBLISHERS[publishers[i]]}
        lines.append(dumps(rec | {"published_on": day.isoformat()}) + "\n")
    write_lines(out_dir, "sources", lines, report)

    # Fields: the detailed ISCED-F codes, each with a popularity weight.
    codes = [r[0] for r in tsv("isced-f-2013.tsv") if r[1] == "detailed"]
    fw = np.array([t.BROAD_WEIGHT.get(c[:2], 0.5) for c in codes])
    fw *= np.where([c[3] in "089" for c in codes], t.RESIDUAL_WEIGHT, 1.0)
    fw *= inst_rng.lognormal(0.0, 0.6, len(codes))
    broads = sorted({c[:2] for c in codes})
    field_broad = np.array([broads.index(c[:2]) for c in codes])
    fields = Picker(fw, field_broad)

    # Countries and their regions.
    from kb.loaders.countries import country_rows

    region_of = {r["iso2"]: r["region"] or "Other" for r in country_rows()}
    countries = [(r[0], float(r[1])) for r in tsv("country-weights.tsv")]
    regions = sorted({region_of.get(c, "Other") for c, _ in countries})
    country_region = np.array([regions.index(region_of.get(c, "Other")) for c, _ in countries])

    ids, names, country, weight, strengths = _institutions(
        out_dir, spec, inst_rng, report, countries, fields, codes, source_ids
    )
    world = World(
        ids=ids,
        names=names,
        country=country,
        region=country_region[country],
        weight=weight,
        strengths=strengths,
        n_strengths=(strengths >= 0).sum(1),
        codes=codes,
        fields=fields,
        field_broad=field_broad,
        source_days=days,
        source_ids=source_ids,
    )
    _networks(out_dir, spec, world, net_rng, regions, report)
    return world


def _institutions(
    out_dir: Path,
    spec: Spec,
    rng: np.random.Generator,
    report: Report,
    weights: list[tuple[str, float]],
    fields: Picker,
    codes: list[str],
    source_ids: list[str],
) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Write institutions: real country mix, Pareto popularity, names hinting strengths."""
    n = spec.institutions
    cp = np.array([x for _, x in weights])
    country = rng.choice(len(weights), n, p=cp / cp.sum())
    kind = rng.choice(len(t.INST_KINDS), n, p=t.INST_KIND_P)
    weight = np.minimum(rng.pareto(t.PARETO_ALPHA, n) + 1.0, t.PARETO_CAP) * t.INST_KIND_REACH[kind]
    # About three institutions per city; each country has its own cities.
    n_cities = np.maximum(1, np.bincount(country, minlength=len(weights)) // 3)
    offsets = np.concatenate([[0], np.cumsum(n_cities)])
    city = (offsets[country] + rng.random(n) * n_cities[country]).astype(np.int64).tolist()
    places = place_names(rng, int(offsets[-1]))
    pattern_u, hint_u = rng.random(n).tolist(), rng.random(n).tolist()
    n_strong = rng.choice(4, n, p=[0.3, 0.35, 0.25, 0.1]).tolist()
    strong_pick = fields.draw(rng.random(n * 3)).reshape(n, 3).tolist()
    # Ages: universities often old (a long tail back to 1088), companies mostly young.
    age = rng.exponential(np.where(kind == COMPANY, 25.0, 60.0))
    founded = (2023 - age).astype(np.int64)
    src = rng.integers(len(source_ids), size=(n, 4)).tolist()
    code_index = {c: i for i, c in enumerate(codes)}
    w = len(str(n))
    ids = [f"syn-i{i:0{w}d}" for i in range(1, n + 1)]
    strengths = np.full((n, 3), -1, np.int64)
    seen: set[str] = set()
    names, lines = [], []
    academies: dict[int, str] = {}  # country -> its first academy of sciences
    for i, (k, c) in enumerate(zip(kind.tolist(), country.tolist(), strict=True)):
        patterns = t.PATTERNS[t.INST_KINDS[k]]
        place = places[city[i]]
        name, hint = unique_name(place, patterns, int(pattern_u[i] * len(patterns)), seen)
        names.append(dumps(name)[1:-1])
        picks = strong_pick[i][: n_strong[i]]
        if hint:  # the name's field comes first
            options = hint.split()
            picks = [code_index[options[int(hint_u[i] * len(options))]], *picks]
        picks = list(dict.fromkeys(picks))[:3]
        strengths[i, : len(picks)] = picks
        rec: dict[str, Any] = {
            "id": ids[i],
            "name": name,
            "kind": t.INST_KINDS[k],
            "country": weights[c][0],
            "city": place,
            "domains": [re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".example"],
            "founded_year": max(1088, int(founded[i])),
            "strengths": [
                {"field": codes[f], "sources": [source_ids[src[i][j + 1]]]}
                for j, f in enumerate(picks)
            ],
            "sources": [source_ids[src[i][0]]],
        }
        if k == ACADEMY and "0533" in hint:  # an academy of sciences
            academies.setdefault(c, ids[i])
        elif k == INSTITUTE and c in academies and hint_u[i] < 0.3:
            rec["part_of"] = academies[c]  # an institute of the national academy
        lines.append(dumps(rec) + "\n")
    write_lines(out_dir, "institutions", lines, report)
    return ids, names, country, weight, strengths


def _networks(
    out_dir: Path,
    spec: Spec,
    world: World,
    rng: np.random.Generator,
    regions: list[str],
    report: Report,
) -> None:
    """Networks of 10–300 members (heavy-tailed), a third regional, with memberships.
    Members are drawn by popularity, so flagships belong to many networks."""
    n, k = len(world.ids), spec.n_networks
    words = place_names(rng, k)
    region_size = np.bincount(world.region, minlength=len(regions))
    nets, members = [], []
    w = max(3, len(str(k)))
    for j in range(k):
        nid = f"syn-n{j + 1:0{w}d}"
        size = min(n, int(10 * (1 + rng.pareto(t.NETWORK_ALPHA))), 300)
        fits = np.flatnonzero(region_size >= size)
        region = int(rng.choice(fits)) if len(fits) and rng.random() < t.REGIONAL_P else -1
        pool = np.flatnonzero(world.region == region) if region >= 0 else np.arange(n)
        p = world.weight[pool]
        chosen = pool[rng.choice(len(pool), size, replace=False, p=p / p.sum())]
        chosen = chosen[np.argsort(-world.weight[chosen], kind="stable")].tolist()
        kind = t.NET_KINDS[int(rng.choice(len(t.NET_KINDS), p=t.NET_KIND_P))]
        founded = max(1950, 2024 - int(rng.exponential(15)))
        adj = t.REGION_ADJ.get(regions[region], regions[region]) + " " if region >= 0 else ""
        focus = dict.fromkeys(world.fields.draw(rng.random(int(rng.integers(1, 5)))).tolist())
        srcs = [world.source_ids[s] for s in rng.integers(len(world.source_ids), size=5)]
        focuses: list[dict[str, Any]] = []
        for f, s in zip(focus, srcs[1:], strict=False):
            entry: dict[str, Any] = {"field": world.codes[f], "sources": [s]}
            if rng.random() < 0.1:  # a thrust area one member has proposed
                entry |= {"status": "proposed", "proposed_by": world.ids[chosen[0]]}
            focuses.append(entry)
        rec = {"id": nid, "name": t.NET_NAMES[kind].format(r=adj, x=words[j]), "kind": kind}
        rec |= {"founded_year": founded, "focuses_on": focuses, "sources": srcs[:1]}
        nets.append(dumps(rec) + "\n")
        since = (founded + rng.random(size) * (t.HORIZON.year - founded + 1)).astype(np.int64)
        founding = (rng.random(size) < 0.15).tolist()
        for m, (i, y) in enumerate(zip(chosen, since.tolist(), strict=True)):
            role = "coordinator" if m == 0 else "founding member" if founding[m] else "member"
            rec = {"institution": world.ids[i], "network": nid, "role": role}
            rec |= {"since_year": founded if role != "member" else y, "sources": srcs[:1]}
            members.append(dumps(rec) + "\n")
    write_lines(out_dir, "networks", nets, report)
    write_lines(out_dir, "memberships", members, report)
