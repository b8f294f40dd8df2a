"""`kb map …`: interactive HTML network maps, one self-contained file each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb import render
from kb.analytics.centrality import MEASURES
from kb.cli.common import JsonOpt, StoreOpt, cli_errors, err, opened, out

if TYPE_CHECKING:  # kb.viz needs the "viz" extra (pyvis): imported when a command runs
    from kb.viz.maps import Map

app = typer.Typer(help="Interactive HTML network maps (pyvis), one self-contained file each.")

SizeOpt = Annotated[
    str,
    typer.Option("--size-by", help=f"Centrality that sizes the nodes: {', '.join(MEASURES)}."),
]
ColorOpt = Annotated[
    str, typer.Option("--color-by", help="What picks a node's colour: country, region or type.")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="HTML file to write; by default a name from the map in the current folder.",
        show_default=False,
    ),
]


def _write(m: Map, output: Path | None, as_json: bool) -> None:
    """Write the page and print its path (or, with --json, path, title and size)."""
    path = output or Path(m.filename)
    try:
        path.write_text(m.html, encoding="utf-8")
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot write {path}: {exc.strerror or exc}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        print(
            render.dumps({"path": str(path), "title": m.title, "nodes": m.nodes, "edges": m.edges})
        )
    else:
        size = f"{m.nodes} node{'s' * (m.nodes != 1)}, {m.edges} link{'s' * (m.edges != 1)}"
        err.print(f"{m.title}: {size}.", highlight=False, markup=False)
        out.print(str(path), highlight=False, markup=False)


@app.command("ego")
@cli_errors
def ego_cmd(
    institution: Annotated[str, typer.Argument(help="Id, name, alias or acronym.")],
    depth: Annotated[
        int, typer.Option(min=1, max=2, help="1: partners; 2: partners' partners too.")
    ] = 1,
    size_by: SizeOpt = "degree",
    color_by: ColorOpt = "country",
    output: OutputOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map an institution, its partners (and theirs, --depth 2) and their agreements."""
    from kb.viz.maps import ego_map

    with opened(store) as s:
        m = ego_map(s, institution, depth, size_by=size_by, color_by=color_by)
    _write(m, output, as_json)


@app.command("network")
@cli_errors
def network_cmd(
    network: Annotated[str, typer.Argument(help="Network id, name or acronym.")],
    size_by: SizeOpt = "degree",
    color_by: ColorOpt = "country",
    output: OutputOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map the members of a network and the agreements between them."""
    from kb.viz.maps import network_map

    with opened(store) as s:
        m = network_map(s, network, size_by=size_by, color_by=color_by)
    _write(m, output, as_json)


@app.command("field")
@cli_errors
def field_cmd(
    field: Annotated[str, typer.Argument(help="ISCED-F code or field name (e.g. 0724, Mining).")],
    size_by: SizeOpt = "degree",
    color_by: ColorOpt = "country",
    output: OutputOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map the institutions whose agreements cover a field or one of its sub-fields."""
    from kb.viz.maps import field_map

    with opened(store) as s:
        m = field_map(s, field, size_by=size_by, color_by=color_by)
    _write(m, output, as_json)


@app.command("countries")
@cli_errors
def countries_cmd(
    size_by: SizeOpt = "weighted_degree",
    color_by: Annotated[
        str, typer.Option("--color-by", help="What picks a node's colour: region or country.")
    ] = "region",
    output: OutputOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map countries joined by the agreements between their institutions."""
    from kb.viz.maps import countries_map

    with opened(store) as s:
        m = countries_map(s, size_by=size_by, color_by=color_by)
    _write(m, output, as_json)
