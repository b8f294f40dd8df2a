"""`kb resolve`: which institution a name means, with scores and reasons."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `kb` app."""
