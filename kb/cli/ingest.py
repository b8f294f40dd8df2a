"""`kb ingest` and `kb eval`: facts proposed from news articles, reviewed, then applied."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `kb` app."""
