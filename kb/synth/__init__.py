"""Seeded synthetic knowledge bases for benchmarks at scale (`kb synth`).

The output is JSON Lines knowledge-base files (docs/kb-format.md), one record per line, so a
benchmark loads it through the same code path as real data. It is made to stress what real
data stresses:

- **Countries** are drawn in proportion to the real number of institutions per country in the
  world-universities list (`kb/data/country-weights.tsv`, counts only): the US, Japan, India
  and China dominate as in practice, and country queries meet the real skew.
- **Partner counts are heavy-tailed.** Each institution has a Pareto popularity weight
  (capped at 1000 times the least; companies and academies lower) and parties are drawn in
  proportion to it: at a million agreements the top 1% of institutions hold over a quarter of
  the parties, the busiest thousands of agreements, the median about ten, as in real
  partnership graphs. Hubs are what make traversals, path queries and centrality costly.
- **Partners cluster**: a further party comes from the first party's country (20%) or region
  (25%) more often than chance would have it. 90% of agreements are bilateral; the rest are
  consortia of 3–5 distinct parties, with a coordinator.
- **Fields** are 1–5 ISCED-F detailed codes: about half from the parties' strengths, some from
  the first field's broad field (agreements are thematically coherent), the rest by a
  popularity weight per field (engineering and ICT common, secretarial work rare).
  Institution names hint at their strengths ("… Mining University" is strong in 0724).
- **Dates** span the 30 years up to `HORIZON`, growing 8% a year, so recent years dominate.
  60% of dated agreements run 1–10 years, so some are expired and some expire soon (the
  expiring-agreements query has answers); status follows from the dates. A few are proposed
  (undated) or known only by year, as in real sources.
- **Networks** have 10–300 members (heavy-tailed), a third are regional, members are drawn by
  popularity (flagships belong to many networks), each focuses on 1–4 fields.

Determinism: every draw comes from numpy Generators seeded from one SeedSequence, split per
part and per chunk of agreements, and dates count from a fixed horizon, not today. So a seed
gives byte-identical files, and the agreements depend neither on --networks nor --shard-size.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kb.errors import InvalidInput
from kb.synth.agreements import write_agreements
from kb.synth.spec import Report, Spec, Written
from kb.synth.world import build_world

__all__ = ["OUTPUT_NAME", "Report", "Spec", "Written", "generate"]

# The files a run writes; --force replaces these and only these.
OUTPUT_NAME = re.compile(r"^(sources|institutions|networks|memberships|agreements)(-\d+)?\.jsonl$")


def generate(
    out_dir: Path, spec: Spec, *, force: bool = False, progress: Callable[[int], None] | None = None
) -> Report:
    """Write a synthetic knowledge base into out_dir, telling `progress(n)` of every n
    agreements written. A non-empty folder is refused unless force, which replaces the files
    of an earlier run (stale agreement shards too) and leaves any other file alone."""
    _prepare(out_dir, spec, force)
    began = time.perf_counter()
    seeds = np.random.SeedSequence(spec.seed).spawn(4)
    report = Report(out_dir, spec)
    world = build_world(out_dir, spec, seeds[:3], report)
    write_agreements(out_dir, spec, world, seeds[3], report, progress)
    report.seconds = time.perf_counter() - began
    return report


def _prepare(out_dir: Path, spec: Spec, force: bool) -> None:
    if spec.institutions < 1 or spec.agreements < 0 or spec.n_networks < 0:
        raise InvalidInput("institutions must be at least 1; agreements and networks, 0")
    if spec.agreements and spec.institutions < 2:
        raise InvalidInput("agreements need at least 2 institutions")
    if spec.shard_size < 1:
        raise InvalidInput("the shard size must be at least 1")
    if spec.seed < 0:
        raise InvalidInput("the seed must be 0 or more")
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} is a file, not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise InvalidInput(f"{out_dir} is not empty; use --force to replace its synth files")
        for old in out_dir.iterdir():
            if OUTPUT_NAME.match(old.name) and old.is_file():
                old.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
