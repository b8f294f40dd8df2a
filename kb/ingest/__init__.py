"""Article ingest: read articles, propose facts with their evidence, review, then apply.

>>> from kb.ingest import ingest_paths, review_document  # doctest: +SKIP
>>> doc = review_document(store, ingest_paths(store, [Path("articles/")]))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kb.errors import InvalidInput
from kb.ingest.extract import Extraction, extract
from kb.ingest.gazetteer import build_gazetteer
from kb.ingest.reading import SUFFIXES, Article, read_article
from kb.ingest.review import ApplyReport, apply_review, dump_review, read_review, review_document
from kb.loaders.reference import ensure_reference
from kb.resolve import Resolver
from kb.store.base import GraphStore

__all__ = [
    "ApplyReport",
    "Article",
    "Extraction",
    "apply_review",
    "article_files",
    "dump_review",
    "extract_articles",
    "ingest_paths",
    "read_review",
    "review_document",
]


def article_files(paths: Iterable[Path]) -> list[Path]:
    """The article files named, and those in folders named (.txt, .md, .html), sorted."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            raise InvalidInput(f"no such file or folder: {p}")
    if not files:
        raise InvalidInput("no articles found (.txt, .md, .html)")
    return files


def extract_articles(store: GraphStore, articles: list[Article]) -> list[Extraction]:
    """Facts proposed from each article, matched against the store's names."""
    ensure_reference(store)
    resolver = Resolver(store)
    names = build_gazetteer(resolver, ("institution", "network"))
    fields = build_gazetteer(resolver, ("field",))
    return [extract(a, resolver, names, fields) for a in articles]


def ingest_paths(store: GraphStore, paths: Iterable[Path]) -> list[Extraction]:
    """Read every article under `paths` and propose facts from each; writes nothing."""
    return extract_articles(store, [read_article(f) for f in article_files(paths)])
