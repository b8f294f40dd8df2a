"""The seed knowledge base that ships with kb: every fact of the five source articles."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kb.loaders.kbfiles import LoadReport, load_paths
from kb.store.base import GraphStore


def seed_dir() -> Path:
    return Path(str(resources.files("kb").joinpath("data/seed")))


def load_seed(store: GraphStore) -> list[LoadReport]:
    return load_paths(store, [seed_dir()])
