"""Agreements, drawn over the world and streamed to disk chunk by chunk.

Each chunk of `CHUNK` agreements is drawn with numpy in a few vectorised steps from its own
random stream, then turned into JSON lines with string formatting (every piece of text is
JSON-escaped once, up front), so a million agreements take seconds and memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from kb.synth import tables as t
from kb.synth.spec import Report, Spec, Written, dumps
from kb.synth.world import Picker, World, draw_days

CHUNK = 50_000  # agreements per vectorised step and per random stream
MAX_PARTIES = max(t.PARTIES)
JOINT_INSTITUTE = t.AGR_KINDS.index("joint institute")


class _Shards:
    """Writes lines to agreements.jsonl, or to agreements-0001.jsonl… of `size` lines each
    when there are more, so that one file (one load transaction) stays bounded."""

    def __init__(self, out_dir: Path, total: int, size: int, report: Report) -> None:
        self.out_dir, self.total, self.size, self.report = out_dir, total, size, report
        self.sharded = total > size
        self.width = max(4, len(str(-(-total // size))))
        self.fh: BinaryIO | None = None
        self.shard = -1
        self.written = 0

    def _open(self, shard: int) -> BinaryIO:
        if self.fh is None or shard != self.shard:
            self.close()
            name = f"agreements-{shard + 1:0{self.width}d}" if self.sharded else "agreements"
            path = self.out_dir / f"{name}.jsonl"
            self.fh, self.shard = path.open("wb"), shard
            self.report.files.append(Written(path, "agreements", 0, 0))
        return self.fh

    def write(self, lines: list[str]) -> None:
        done = 0
        while done < len(lines) or self.fh is None:
            shard = self.written // self.size if self.sharded else 0
            take = min(len(lines) - done, (shard + 1) * self.size - self.written)
            data = "".join(lines[done : done + take]).encode("utf-8")
            self._open(shard).write(data)
            entry = self.report.files[-1]
            entry.rows, entry.bytes = entry.rows + take, entry.bytes + len(data)
            done, self.written = done + take, self.written + take

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


def write_agreements(
    out_dir: Path,
    spec: Spec,
    world: World,
    seed: np.random.SeedSequence,
    report: Report,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write spec.agreements agreements; chunk c draws from stream (seed, c) alone, so the
    agreements do not depend on the shard size."""
    by_country = Picker(world.weight, world.country)
    by_region = Picker(world.weight, world.region)
    activity_json: dict[int, str] = {}
    shards = _Shards(out_dir, spec.agreements, spec.shard_size, report)
    try:
        if spec.agreements == 0:
            shards.write([])
        for c, a0 in enumerate(range(0, spec.agreements, CHUNK)):
            n = min(CHUNK, spec.agreements - a0)
            rng = np.random.default_rng(
                np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, c))
            )
            lines = _chunk(rng, world, by_country, by_region, activity_json, a0, n, spec)
            shards.write(lines)
            if progress:
                progress(n)
    finally:
        shards.close()


def _parties(
    rng: np.random.Generator, world: World, by_country: Picker, by_region: Picker, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n, 5) party indices (-1 where unused) and the number of parties of each agreement.
    The first party is drawn by popularity; each other one from its country, its region or
    anywhere, also by popularity; repeated parties are drawn again."""
    count = np.minimum(rng.choice(t.PARTIES, n, p=t.PARTIES_P), len(world.ids))
    parties = np.full((n, MAX_PARTIES), -1, np.int64)
    first = parties[:, 0] = by_country.draw(rng.random(n))
    mode, u = rng.random((n, MAX_PARTIES)), rng.random((n, MAX_PARTIES))
    for col in range(1, MAX_PARTIES):
        # Draw only what is used: most agreements have no third party.
        near = mode[:, col] < t.SAME_COUNTRY + t.SAME_REGION
        for rows, picker, group in (
            (near & (mode[:, col] < t.SAME_COUNTRY), by_country, world.country),
            (near & (mode[:, col] >= t.SAME_COUNTRY), by_region, world.region),
            (~near, by_country, None),
        ):
            rows = np.flatnonzero(rows & (count > col))
            within = None if group is None else group[first[rows]]
            parties[rows, col] = picker.draw(u[rows, col], within)
    for _ in range(40):
        bad = _repeated(parties)
        if not len(bad):
            return parties, count
        for col in range(1, MAX_PARTIES):
            pick = by_country.draw(rng.random(len(bad)))
            parties[bad, col] = np.where(count[bad] > col, pick, -1)
    for row in _repeated(parties).tolist():  # tiny or lopsided worlds: draw uniformly
        parties[row, : count[row]] = rng.choice(len(world.ids), count[row], replace=False)
    return parties, count


def _repeated(parties: np.ndarray) -> np.ndarray:
    """The rows that name one party twice."""
    unused = -1 - np.arange(parties.shape[1])  # distinct, so unused slots never look repeated
    ordered = np.sort(np.where(parties >= 0, parties, unused), axis=1)
    return np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))


def _fields(
    rng: np.random.Generator, world: World, parties: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """(n, 5) field indices, -1 where unused: 1-5 fields, each from a party's strengths,
    from the first field's broad field, or by popularity."""
    n = len(count)
    how_many = rng.choice(len(t.FIELDS_P), n, p=t.FIELDS_P) + 1
    fields = np.full((n, len(t.FIELDS_P)), -1, np.int64)
    rows = np.arange(n)
    for s in range(len(t.FIELDS_P)):
        how, u1, u2 = rng.random(n), rng.random(n), rng.random(n)
        party = parties[rows, (u1 * count).astype(np.int64)]
        held = world.n_strengths[party]
        strong = world.strengths[party, np.minimum((u2 * held).astype(np.int64), 2)]
        anywhere = world.fields.draw(u2)
        near = anywhere if s == 0 else world.fields.draw(u2, world.field_broad[fields[:, 0]])
        pick = np.where(
            (how < t.FROM_STRENGTHS) & (held > 0),
            strong,
            np.where(how < t.FROM_STRENGTHS + t.FROM_SAME_BROAD, near, anywhere),
        )
        fields[:, s] = np.where(how_many > s, pick, -1)
    return fields


def _chunk(
    rng: np.random.Generator,
    world: World,
    by_country: Picker,
    by_region: Picker,
    activity_json: dict[int, str],
    a0: int,
    n: int,
    spec: Spec,
) -> list[str]:
    """The JSON lines of agreements a0+1 .. a0+n."""
    parties, count = _parties(rng, world, by_country, by_region, n)
    kind = np.where(
        count > 2,
        rng.choice(len(t.AGR_KINDS), n, p=t.CONSORTIUM_KIND_P),
        rng.choice(len(t.AGR_KINDS), n, p=t.BILATERAL_KIND_P),
    )
    fields = _fields(rng, world, parties, count)
    # Dates and status, against the fixed horizon.
    day = draw_days(rng, n)
    how = rng.random(n)
    dated, year_only = how < t.DATED_P, (how >= t.DATED_P) & (how < t.DATED_P + t.YEAR_ONLY_P)
    has_until = dated & (rng.random(n) < t.VALID_UNTIL_P)
    years = rng.choice(t.DURATIONS, n, p=t.DURATIONS_P)
    until = day + np.round(years * 365.2425).astype(np.int64) - 1
    horizon = int(np.datetime64(t.HORIZON).astype(np.int64))
    unknown = rng.random(n) < 0.15 + 0.6 * (horizon - day) / (30 * 365.25)
    status = np.select(
        [~dated & ~year_only, has_until & (until < horizon), has_until, unknown],
        ["proposed", "expired", "active", "unknown"],
        "active",
    ).tolist()
    # One source, published within a year after the signing where there is one.
    sd = world.source_days
    lo, hi = np.searchsorted(sd, day, "left"), np.searchsorted(sd, day + 365, "right")
    src = np.where(hi > lo, lo + (rng.random(n) * (hi - lo)).astype(np.int64), lo)
    src = np.where(dated | year_only, np.minimum(src, len(sd) - 1), rng.integers(len(sd), size=n))
    # Activities: those the kind implies, plus some at random.
    bits = (rng.random((n, len(t.ACTIVITIES))) < t.EXTRA_ACTIVITY_P) @ (
        1 << np.arange(len(t.ACTIVITIES))
    )
    one = np.where(rng.random(n) < 0.8, 1 << rng.integers(len(t.ACTIVITIES), size=n), 0)
    masks = (t.KIND_ACTIVITIES[kind] | bits | one).tolist()

    names, source_ids = world.names, world.source_ids
    party, code_json = world.party_json, world.code_json
    ids = [f"syn-a{i:0{len(str(spec.agreements))}d}" for i in range(a0 + 1, a0 + n + 1)]
    dates = _dates(day, until, dated, year_only, has_until)
    for s in range(1, fields.shape[1]):  # an agreement names a field once
        repeated = (fields[:, s : s + 1] == fields[:, :s]).any(axis=1)
        fields[:, s] = np.where(repeated, -1, fields[:, s])
    lines = []
    rows = zip(
        ids, parties.tolist(), count.tolist(), kind.tolist(), fields.tolist(), dates, status,
        masks, src.tolist(), strict=True,
    )  # fmt: skip
    for aid, ps, k, kd, fs, date_json, st, mask, s in rows:
        a, b = names[ps[0]], names[ps[1]]
        suffix = t.TITLE_SUFFIX[kd]
        if k == 2:
            title = f"{a} – {b} {suffix}"
            lead = ',"role":"host"' if kd == JOINT_INSTITUTE else ""
            party_json = f'{{"institution":"{world.ids[ps[0]]}"{lead}}}{party[ps[1]]}'
        else:
            if k == 3:
                title = f"{a}, {b} and {names[ps[2]]} {suffix}"
            else:
                title = f"{suffix[0].upper()}{suffix[1:]} of {a}, {b} and {k - 2} other partners"
            party_json = f'{{"institution":"{world.ids[ps[0]]}","role":"coordinator"}}' + "".join(
                [party[p] for p in ps[1:k]]
            )
        acts = activity_json.get(mask)
        if acts is None:
            chosen = [x for i, x in enumerate(t.ACTIVITIES) if mask >> i & 1]
            acts = activity_json[mask] = dumps(chosen)
        lines.append(
            f'{{"id":"{aid}","kind":"{t.AGR_KINDS[kd]}","title":"{title}"{date_json},'
            f'"status":"{st}","parties":[{party_json}],'
            f'"fields":[{",".join([code_json[f] for f in fs if f >= 0])}],'
            f'"activities":{acts},"sources":["{source_ids[s]}"]}}\n'
        )
    return lines


def _dates(
    day: np.ndarray,
    until: np.ndarray,
    dated: np.ndarray,
    year_only: np.ndarray,
    has_until: np.ndarray,
) -> list[str]:
    """Each agreement's date members as JSON: signed_on (and valid_until), else signed_year."""
    day_s = day.astype("datetime64[D]").astype(str).tolist()
    until_s = until.astype("datetime64[D]").astype(str).tolist()
    return [
        (f',"signed_on":"{d}","valid_until":"{u}"' if h else f',"signed_on":"{d}"')
        if on
        else f',"signed_year":{d[:4]}'
        if y
        else ""
        for d, u, on, y, h in zip(
            day_s, until_s, dated.tolist(), year_only.tolist(), has_until.tolist(), strict=True
        )
    ]
