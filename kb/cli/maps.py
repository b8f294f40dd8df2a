"""`kb map …`: interactive HTML network maps, one self-contained file each."""

from __future__ import annotations

import typer

app = typer.Typer(help="Interactive HTML network maps (pyvis), one self-contained file each.")
