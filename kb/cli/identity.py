"""`kb resolve`: which institution a name means, with scores and reasons."""

from __future__ import annotations

from typing import Annotated

import typer

from kb import render
from kb.cli.common import JsonOpt, StoreOpt, cli_errors, opened, out

COLUMNS = ["#", "id", "name (as matched)", "country", "score", "reason", "sure"]


@cli_errors
def resolve(
    name: Annotated[
        str,
        typer.Argument(help="A name in any spelling or script, an acronym, a URL or a web domain."),
    ],
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="ISO code or English name: a hint.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100)] = 5,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which institution a name means: the best matches with score, reason and sure/unsure.

    Only a sure match should be treated as the same institution; unsure ones need a person.
    Example: kb resolve "St. Petersburg State Polytechnical University" --country RU
    """
    from kb.identity import resolve_institution

    with opened(store) as s:
        matches = resolve_institution(s, name, country=country, limit=limit)
    if as_json:
        print(render.dumps([m.as_dict() | {"rank": i} for i, m in enumerate(matches, 1)]))
        return
    if not matches:
        out.print(f"No institution matches {name!r}.", highlight=False)
        return
    rows = [
        [
            i,
            m.id,
            m.name if m.detail == m.name else f"{m.name} (as {m.detail!r})",
            m.country,
            f"{m.score:.2f}",
            m.why,
            "sure" if m.sure else "unsure",
        ]
        for i, m in enumerate(matches, 1)
    ]
    out.print(render.table(COLUMNS, rows, f"Institutions matching {name!r}"))
    if not matches[0].sure:
        out.print("No sure match: confirm one before treating it as the same institution.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `kb` app."""
    app.command("resolve")(resolve)
