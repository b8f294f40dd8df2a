"""`kb synth`: a seeded synthetic knowledge base, as JSON Lines files, for benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kb import render
from kb.cli.common import JsonOpt, cli_errors, out, progress_bar

PROGRESS_FROM = 100_000  # agreements; smaller runs finish before a bar would be useful


@cli_errors
def synth(
    out_dir: Annotated[Path, typer.Argument(help="The folder to write (empty or new).")],
    institutions: Annotated[
        int, typer.Option("--institutions", "-i", min=1, help="How many institutions.")
    ],
    agreements: Annotated[
        int, typer.Option("--agreements", "-a", min=0, help="How many agreements.")
    ],
    networks: Annotated[
        int | None,
        typer.Option(
            "--networks",
            "-n",
            min=0,
            help="How many networks (default: one per 500 institutions, at least 5).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="The same seed, the same files.")] = 0,
    shard_size: Annotated[
        int,
        typer.Option(
            "--shard-size", min=1, help="Agreements per file (one file loads as one transaction)."
        ),
    ] = 100_000,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into a non-empty folder, replacing earlier synth files."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a synthetic knowledge base of the given size, for benchmarks at scale.

    Realistic in shape: heavy-tailed partner counts, the real country mix, networks of 10 to
    300 members, agreements covering 1 to 5 ISCED-F fields, dates over 30 years. The files are
    JSON Lines knowledge-base files (sources.jsonl, institutions.jsonl, networks.jsonl,
    memberships.jsonl, agreements.jsonl or agreements-0001.jsonl…); load them with
    `kb load files OUT_DIR`.
    Example: kb synth /tmp/kb-1m --institutions 100000 --agreements 1000000
    """
    from kb.synth import Spec, generate

    spec = Spec(institutions, agreements, networks, seed, shard_size)
    with progress_bar(disable=as_json or agreements < PROGRESS_FROM) as bar:
        task = bar.add_task("writing agreements", total=agreements)
        report = generate(out_dir, spec, force=force, progress=lambda n: bar.advance(task, n))
    if as_json:
        print(render.dumps(report.as_dict()))
        return
    rows = [[f.path.name, f.kind, f.rows, _size(f.bytes)] for f in report.files]
    out.print(render.table(["file", "kind", "rows", "size"], rows, f"kb synth → {out_dir}"))
    out.print(
        f"{len(report.files)} files, {report.rows:,} rows, {_size(report.bytes)} "
        f"in {report.seconds:.1f} s (seed {seed}). Load them with: kb load files {out_dir}",
        highlight=False,
    )


def _size(n: int) -> str:
    """Bytes in decimal units, as `du --si` and file managers show them."""
    size = float(n)
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `kb` app."""
    app.command("synth")(synth)
