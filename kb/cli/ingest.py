"""`kb ingest` and `kb eval`: facts proposed from news articles, reviewed, then applied."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kb import render
from kb.cli.common import JsonOpt, StoreOpt, cli_errors, emit_rows, err, opened, out
from kb.errors import InvalidInput

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_SEEDS = _REPO.parent / "shared" / "seeds"
DEFAULT_WORLD = (
    _REPO.parent / "shared" / "data" / "world-universities" / "world_universities_and_domains.json"
)
eval_app = typer.Typer(help="Measure kb against labelled data.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `kb` app."""
    app.command("ingest")(ingest_cmd)
    app.add_typer(eval_app, name="eval")


@cli_errors
def ingest_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Article files (.txt, .md, .html) or folders.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The review file to write.")
    ] = Path("ingest-review.yaml"),
    apply: Annotated[
        Path | None,
        typer.Option("--apply", help="Write the accepted proposals of this review file."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Apply the proposals at once, without a review.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the review file.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose facts from articles into a review file; `--apply REVIEW` writes the accepted.

    Institutions, agreements, memberships and thematic areas, each with the sentence it
    came from and the article as its source. Nothing is written to the store until the
    review file is applied, unless --yes. See docs/ingest.md.
    """
    from kb.ingest import apply_review, dump_review, ingest_paths, read_review, review_document

    if apply is not None:
        if paths:
            raise InvalidInput("give either articles to read or --apply REVIEW_FILE, not both")
        with opened(store) as s:
            report = apply_review(s, read_review(apply), str(apply))
        _print_apply(report, as_json)
        return
    if not paths:
        raise InvalidInput("name the articles to read (files or folders), or --apply REVIEW_FILE")
    explicit_output = output != Path("ingest-review.yaml")
    if (not yes or explicit_output) and output.exists() and not force:
        raise InvalidInput(f"{output} exists; choose another with -o or overwrite with --force")
    with opened(store) as s:
        extractions = ingest_paths(s, paths)
        text = dump_review(review_document(s, extractions))
        if not yes or explicit_output:
            output.write_text(text, encoding="utf-8")
        report = apply_review(s, text, str(output)) if yes else None
    counts = _counts(text)
    if as_json:
        result = {"articles": len(extractions), "review_file": None, "proposals": counts}
        if not yes or explicit_output:
            result["review_file"] = str(output)
        if report:
            result["applied"] = report.written | {"stats": report.stats.__dict__}
        print(render.dumps(result))
        return
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    out.print(f"Read {len(extractions)} articles: {summary}.", highlight=False)
    if report:
        _print_apply(report, False)
    else:
        out.print(f"Review {output}, then: kb ingest --apply {output}", highlight=False)


@eval_app.command("ingest")
@cli_errors
def eval_ingest_cmd(
    seeds: Annotated[
        Path, typer.Option("--seeds", help="Folder of the labelled articles.")
    ] = DEFAULT_SEEDS,
    labels: Annotated[
        Path | None, typer.Option("--labels", help="Labelled set (default: kb's own).")
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            help="known: names are in the store (the seed knowledge base) and the proposals "
            "marked to accept are scored. open: the store holds only reference data and the "
            "world-universities list, and every proposal is scored. Default: both.",
        ),
    ] = None,
    world: Annotated[
        Path | None,
        typer.Option(
            "--world",
            help="The world-universities JSON list for the open setting "
            "(default: ../shared/data/world-universities/ if it is there).",
        ),
    ] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every miss and extra.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run ingest over the labelled seed articles; print precision and recall per fact type."""
    from kb.ingest.evaluate import SETTINGS, evaluate

    if not seeds.is_dir():
        raise InvalidInput(f"no folder of seed articles at {seeds}; give one with --seeds")
    if world is None and DEFAULT_WORLD.is_file():
        world = DEFAULT_WORLD
    results = {}
    for name in setting or SETTINGS:
        err.print(f"{name} setting: building a temporary store and reading the articles…")
        scores, misses = evaluate(seeds, name, labels, world)
        results[name] = ([sc.as_row() for sc in scores], misses)
    if as_json:
        print(
            render.dumps(
                {n: {"scores": rows, "errors": m} for n, (rows, m) in results.items()}
                | {"world": str(world) if world else None}
            )
        )
        return
    for name, (rows, misses) in results.items():
        cols = list(rows[0])
        title = f"kb eval ingest — {name} setting"
        out.print(render.table(cols, [[r[c] for c in cols] for r in rows], title))
        if errors and misses:
            cols = list(misses[0])
            emit_rows(cols, [[m[c] for c in cols] for m in misses], False, f"errors ({name})")


def _counts(text: str) -> dict[str, int]:
    import yaml

    doc = yaml.safe_load(text)
    return {k: len(v or []) for k, v in doc.items() if k != "mentions"}


def _print_apply(report: object, as_json: bool) -> None:
    written, stats = report.written, report.stats  # type: ignore[attr-defined]
    if as_json:
        print(render.dumps({"applied": written, "stats": stats.__dict__}))
        return
    what = ", ".join(f"{n} {k}" for k, n in written.items()) or "nothing accepted"
    out.print(
        f"Applied {what} ({stats.nodes_created} new, {stats.nodes_updated} updated, "
        f"{stats.rels_written} relationships).",
        highlight=False,
    )
