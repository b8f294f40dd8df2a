"""How a map encodes data: colours by category, node sizes by score, edge widths by count."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

# Tableau 10, then ten of Kelly's colours of maximum contrast that differ from them.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#875692",
    "#a1caf1",
    "#c2b280",
    "#008856",
    "#604e97",
    "#dcd300",
    "#882d17",
    "#8db600",
    "#654522",
    "#2b3d26",
)
OTHER = "#c8c8c8"
UNKNOWN = "#e8e8e8"
MIN_SIZE, MAX_SIZE = 10.0, 40.0


@dataclass(frozen=True)
class Swatch:
    """One line of a legend: a colour, what it stands for, and how many nodes have it."""

    color: str
    label: str
    count: int


def categorical(
    values: Mapping[Hashable, str | None], labels: Mapping[str, str] | None = None
) -> tuple[dict[Hashable, str], list[Swatch]]:
    """A colour per node from its category, the most frequent categories first.

    Categories past the palette share one grey ("other"); nodes without one are "unknown".

    >>> colors, legend = categorical({"a": "IN", "b": "IN", "c": None}, {"IN": "India"})
    >>> colors["a"], [(s.label, s.count) for s in legend]
    ('#4e79a7', [('India', 2), ('unknown', 1)])
    """
    labels = labels or {}
    counts = Counter(v for v in values.values() if v)
    ranked = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    chosen = {c: PALETTE[i] for i, c in enumerate(ranked[: len(PALETTE)])}
    colors = {node: (chosen.get(v, OTHER) if v else UNKNOWN) for node, v in values.items()}
    legend = [Swatch(chosen[c], labels.get(c) or c, counts[c]) for c in chosen]
    rest = sum(counts[c] for c in ranked[len(PALETTE) :])
    if rest:
        legend.append(Swatch(OTHER, f"other ({len(ranked) - len(PALETTE)} more)", rest))
    missing = sum(1 for v in values.values() if not v)
    if missing:
        legend.append(Swatch(UNKNOWN, "unknown", missing))
    return colors, legend


def sizes(scores: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """Node sizes between MIN_SIZE and MAX_SIZE; the area grows with the score.

    >>> sizes({"a": 0.0, "b": 1.0, "c": 4.0})
    {'a': 10.0, 'b': 25.0, 'c': 40.0}
    """
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi <= lo:
        return dict.fromkeys(scores, round((MIN_SIZE + MAX_SIZE) / 3, 1))
    return {
        n: round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt((s - lo) / (hi - lo)), 1)
        for n, s in scores.items()
    }


def edge_width(weight: int) -> float:
    """Width of an edge standing for `weight` agreements: 1 for one, +2 per doubling, ≤ 12.

    >>> [edge_width(w) for w in (1, 2, 4, 1000)]
    [1.0, 3.0, 5.0, 12.0]
    """
    return min(12.0, 1.0 + 2.0 * math.log2(max(weight, 1)))
