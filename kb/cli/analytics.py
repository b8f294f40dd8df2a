"""`kb analytics …`: centrality, communities, brokers and partner suggestions."""

from __future__ import annotations

import typer

app = typer.Typer(help="Network analytics: centrality, communities, brokers, partner suggestions.")
