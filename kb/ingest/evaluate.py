"""Scoring ingest against a labelled set: precision, recall and F1 per fact type."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kb.errors import InvalidInput
from kb.ingest.extract import Extraction

FACT_TYPES = ("institutions", "agreements", "memberships", "thematic_areas")


@dataclass
class Score:
    fact_type: str
    gold: int = 0
    proposed: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_row(self) -> dict[str, Any]:
        return {
            "fact_type": self.fact_type,
            "gold": self.gold,
            "proposed": self.proposed,
            "correct": self.correct,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def default_labels() -> Path:
    return Path(str(resources.files("kb").joinpath("data/eval/seed-articles.yaml")))


def load_labels(path: Path | None = None) -> dict[str, dict[str, set]]:
    """document -> fact type -> the set of labelled facts."""
    path = path or default_labels()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read the labelled set {path}: {exc}") from None
    return {a["document"]: _gold(a) for a in doc["articles"]}


def _gold(a: dict[str, Any]) -> dict[str, set]:
    return {
        "institutions": set(a.get("institutions") or []),
        "agreements": {(frozenset(g["parties"]), g["kind"]) for g in a.get("agreements") or []},
        "memberships": {(m["institution"], m["network"]) for m in a.get("memberships") or []},
        "thematic_areas": {(t["network"], str(t["field"])) for t in a.get("thematic_areas") or []},
    }


def predicted(ex: Extraction) -> dict[str, set]:
    """The confident facts of one article (what the review file proposes to accept)."""
    return {
        "institutions": {i.key for i in ex.institutions if i.key and i.confident},
        "agreements": {(frozenset(a.parties), a.kind) for a in ex.agreements if a.confident},
        "memberships": {(m.institution, m.network) for m in ex.memberships if m.confident},
        "thematic_areas": {(f.network, f.code) for f in ex.focuses},
    }


def score(
    extractions: list[Extraction],
    labels: dict[str, dict[str, set]],
    predict: Callable[[Extraction], dict[str, set]] = predicted,
) -> tuple[list[Score], list[dict[str, Any]]]:
    """Micro-averaged scores per fact type over the labelled articles, and the errors.

    `predict` gives an article's facts in the labels' terms (default: the confident ones).
    """
    scores = {t: Score(t) for t in FACT_TYPES}
    errors: list[dict[str, Any]] = []
    for ex in extractions:
        gold = labels.get(ex.article.document)
        if gold is None:
            continue
        got = predict(ex)
        for t in FACT_TYPES:
            s = scores[t]
            s.gold += len(gold[t])
            s.proposed += len(got[t])
            s.correct += len(gold[t] & got[t])
            for fact in sorted(map(_show, got[t] - gold[t])):
                errors.append(
                    {"document": ex.article.document, "type": t, "error": "extra", "fact": fact}
                )
            for fact in sorted(map(_show, gold[t] - got[t])):
                errors.append(
                    {"document": ex.article.document, "type": t, "error": "missed", "fact": fact}
                )
    return list(scores.values()), errors


def _show(fact: Any) -> str:
    if isinstance(fact, tuple) and isinstance(fact[0], frozenset):
        return f"{fact[1]}: {' + '.join(sorted(fact[0]))}"
    if isinstance(fact, tuple):
        return " -> ".join(fact)
    return str(fact)


SETTINGS = ("known", "open")


def evaluate(
    articles: Path,
    setting: str = "known",
    labels: Path | None = None,
    world: Path | None = None,
) -> tuple[list[Score], list[dict[str, Any]]]:
    """Ingest the labelled articles into a fresh temporary store and score the proposals.

    Parameters
    ----------
    articles : the folder of labelled articles.
    setting : "known" — the store holds the seed knowledge base, every name is known, and
        the proposals marked to accept are scored; "open" — the store holds only reference
        data and the world-universities list (`world`), and every proposal is scored after
        matching it to the labels by name (`kb.ingest.openworld`).
    labels : the labelled set (default: kb's own, for the five seed articles).
    world : the world-universities JSON list, for the open setting (optional).
    """
    from kb.ingest import ingest_paths
    from kb.ingest.openworld import GoldNames, open_predicted
    from kb.loaders.reference import ensure_reference
    from kb.loaders.seed import load_seed
    from kb.loaders.universities import load_universities
    from kb.resolve import Resolver
    from kb.store.embedded import EmbeddedStore

    if setting not in SETTINGS:
        raise InvalidInput(f"unknown setting {setting!r}; expected one of: {', '.join(SETTINGS)}")
    gold = load_labels(labels)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "kb-data") as store:
        if setting == "known":
            load_seed(store)
            return score(ingest_paths(store, [articles]), gold)
        ensure_reference(store)
        if world is not None:
            load_universities(store, world)
        extractions = ingest_paths(store, [articles])
        resolver, names = Resolver(store), GoldNames()
        return score(extractions, gold, lambda ex: open_predicted(ex, resolver, names))
