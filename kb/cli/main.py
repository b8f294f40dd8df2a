"""The `kb` command: a thin shell over the library. Each command parses its input, calls one
core function, and prints a table for people or JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from kb import render
from kb.cli import identity, ingest, synth
from kb.cli.analytics import app as analytics_app
from kb.cli.common import (
    JsonOpt,
    ParamsOpt,
    StoreOpt,
    cli_errors,
    emit_rows,
    err,
    opened,
    out,
    parse_params,
    progress_bar,
)
from kb.cli.maps import app as maps_app
from kb.settings import get_settings

app = typer.Typer(
    help="kb: a graph knowledge base of universities, networks, agreements and fields.\n\n"
    "Start with `kb demo`. The store is ./kb-data unless --store or KB_STORE says otherwise.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
load_app = typer.Typer(help="Load data into the store (each file all-or-nothing).")
app.add_typer(load_app, name="load")
app.add_typer(analytics_app, name="analytics")
app.add_typer(maps_app, name="map")
identity.register(app)
ingest.register(app)
synth.register(app)


# -- demo ----------------------------------------------------------------------------------
@app.command()
@cli_errors
def demo(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Build the seed knowledge base and answer three strategy questions with sources."""
    from kb.demo import NEXT_STEPS, run_demo

    with opened(store) as s:
        reports, questions = run_demo(s)
        uri = s.uri
    if as_json:
        print(
            render.dumps(
                {
                    "store": uri,
                    "loaded": [r.__dict__ | {"stats": r.stats.__dict__} for r in reports],
                    "questions": [
                        {
                            "question": q.question,
                            "query": q.query,
                            "params": q.params,
                            "rows": q.answer.records(),
                            "sources": q.sources,
                        }
                        for q in questions
                    ],
                }
            )
        )
        return
    loaded = ", ".join(f"{r.records} {r.kind}" for r in reports)
    out.print(f"[bold]kb demo[/bold] — store {uri}\nLoaded the seed knowledge base: {loaded}.\n")
    for n, q in enumerate(questions, start=1):
        out.print(f"[bold]{n}. {q.question}[/bold]")
        out.print(f"   [dim]{q.command()}[/dim]")
        res = q.answer.result
        if res.rows:
            out.print(
                render.cards(res.columns, res.rows, indent="   "), markup=False, highlight=False
            )
        else:
            out.print("   No answer in the knowledge base.")
        for src in q.sources:
            by = f" ({src['publisher']})" if src["publisher"] else ""
            out.print(f"   source: {src['title']}{by}", markup=False, highlight=False)
        out.print()
    out.print("[bold]Next, try:[/bold]")
    for step in NEXT_STEPS:
        out.print(f"  {step}", highlight=False)


# -- init and load --------------------------------------------------------------------------
@app.command()
@cli_errors
def init(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Create the schema and load countries and ISCED-F fields (safe to run again)."""
    from kb.loaders.reference import load_countries, load_disciplines

    with opened(store) as s:
        s.init_schema()
        c, d = load_countries(s), load_disciplines(s)
        uri = s.uri
    summary = {
        "store": uri,
        "countries": c.nodes_created + c.nodes_updated,
        "disciplines": d.nodes_created + d.nodes_updated,
    }
    if as_json:
        print(render.dumps(summary))
    else:
        out.print(
            f"Initialised {uri}: {summary['countries']} countries, "
            f"{summary['disciplines']} ISCED-F fields."
        )


def _print_reports(reports: list[Any], as_json: bool) -> None:
    if as_json:
        print(render.dumps([r.__dict__ | {"stats": r.stats.__dict__} for r in reports]))
        return
    for r in reports:
        st = r.stats
        out.print(
            f"{r.path}: {r.records} {r.kind} "
            f"({st.nodes_created} new, {st.nodes_updated} updated, "
            f"{st.rels_written} relationships)",
            highlight=False,
        )


@load_app.command("seed")
@cli_errors
def load_seed_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Load the seed knowledge base that ships with kb (the five source articles)."""
    from kb.loaders.seed import load_seed

    with opened(store) as s:
        _print_reports(load_seed(s), as_json)


@load_app.command("files")
@cli_errors
def load_files_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Knowledge-base files (YAML, or JSON Lines named for their kind) or folders."
        ),
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load knowledge-base files (see docs/kb-format.md); folders load in reference order."""
    from kb.loaders.kbfiles import load_paths

    with opened(store) as s:
        _print_reports(load_paths(s, paths), as_json)


@load_app.command("countries")
@cli_errors
def load_countries_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Load every ISO 3166-1 country with its UN M49 region."""
    from kb.loaders.reference import load_countries

    with opened(store) as s:
        st = load_countries(s)
    _print_counts("countries", st, as_json)


@load_app.command("disciplines")
@cli_errors
def load_disciplines_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Load the ISCED-F 2013 field taxonomy and the shipped field aliases."""
    from kb.loaders.reference import load_disciplines

    with opened(store) as s:
        st = load_disciplines(s)
    _print_counts("ISCED-F fields", st, as_json)


def _print_counts(what: str, st: Any, as_json: bool) -> None:
    if as_json:
        print(render.dumps(st.__dict__))
    else:
        out.print(f"{what}: {st.nodes_created} new, {st.nodes_updated} updated.")


@load_app.command("universities")
@cli_errors
def load_universities_cmd(
    path: Annotated[Path, typer.Argument(help="world_universities_and_domains.json")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Merge the world-universities list (JSON) into the store: one institution, one node."""
    from kb.loaders.reference import ensure_reference
    from kb.loaders.universities import load_universities

    with opened(store) as s, progress_bar(disable=as_json) as bar:
        ensure_reference(s)
        task = bar.add_task("matching institutions", total=None)
        report = load_universities(
            s, path, lambda n, total: bar.update(task, completed=n, total=total)
        )
    if as_json:
        print(render.dumps(report.__dict__ | {"stats": report.stats.__dict__}))
    else:
        out.print(
            f"{report.path}: {report.entries} entries — {report.created} new "
            f"institutions, {report.merged} merged into existing ones.",
            highlight=False,
        )


# -- queries ---------------------------------------------------------------------------------
@app.command()
@cli_errors
def queries(as_json: JsonOpt = False) -> None:
    """List the named queries with their parameters."""
    from kb.queries.registry import registry

    items = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "help": p.help,
                }
                for p in q.params
            ],
        }
        for q in registry()
    ]
    if as_json:
        print(render.dumps(items))
        return
    for q in items:
        sig = " ".join(
            f"{p['name']}={p['type']}" if p["required"] else f"[{p['name']}={p['type']}]"
            for p in q["params"]
        )
        out.print(Text.assemble((q["name"], "bold"), " ", sig))
        out.print(f"    {q['description']}", highlight=False)


@app.command()
@cli_errors
def query(
    name: Annotated[str, typer.Argument(help="A named query; `kb queries` lists them.")],
    params: ParamsOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Run a named query: kb query partners-sharing-field -p institution=IITKGP -p field=Mining"""
    from kb.queries.runner import run_named

    with opened(store) as s:
        answer = run_named(s, name, parse_params(params))
    res = answer.result
    if as_csv:
        print(render.to_csv(res.columns, res.rows), end="")
    else:
        emit_rows(res.columns, res.rows, as_json, answer.query.title)


@app.command()
@cli_errors
def cypher(
    text: Annotated[str, typer.Argument(help="One Cypher statement.")],
    params: ParamsOpt = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the statement to write.")] = False,
    timeout: Annotated[float | None, typer.Option(help="Time limit in seconds.")] = None,
    max_rows: Annotated[int | None, typer.Option(help="Row cap.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run ad-hoc Cypher, read-only unless --write; parameters are bound, never pasted in."""
    settings = get_settings()
    values = {k: _json_or_text(v) for k, v in parse_params(params).items()}
    with opened(store) as s:
        res = s.run(
            text,
            values,
            read_only=not write,
            timeout_s=timeout or settings.query_timeout_s,
            max_rows=max_rows or settings.max_rows,
        )
    emit_rows(res.columns, res.rows, as_json)
    if res.truncated and not as_json:
        err.print(f"(stopped at the row cap of {max_rows or settings.max_rows} rows)")


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


@app.command()
@cli_errors
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count nodes per label and relationships per type."""
    with opened(store) as s:
        counts = s.counts()
        uri = s.uri
    if as_json:
        print(render.dumps({"store": uri, "counts": counts}))
    else:
        out.print(
            render.table(
                ["label or type", "count"], [[k, v] for k, v in counts.items()], f"Store {uri}"
            )
        )


# -- moving between stores -------------------------------------------------------------------
@app.command("export")
@cli_errors
def export_cmd(
    path: Annotated[Path, typer.Argument(help="File to write (.jsonl, or .jsonl.gz).")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the whole graph to a portable file that `kb import` reads on any store."""
    from kb.transfer import export_graph

    with opened(store) as s:
        report = export_graph(s, path)
    _print_transfer("exported", report, as_json)


@app.command("import")
@cli_errors
def import_cmd(
    path: Annotated[Path, typer.Argument(help="A file written by `kb export`.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load a `kb export` file into the store, all or nothing (again changes nothing)."""
    from kb.transfer import import_graph

    with opened(store) as s:
        report = import_graph(s, path)
    _print_transfer("imported", report, as_json)


def _print_transfer(verb: str, report: Any, as_json: bool) -> None:
    if as_json:
        print(render.dumps(report.__dict__))
    else:
        out.print(
            f"{verb} {report.nodes} nodes and {report.relationships} relationships ({report.path})",
            highlight=False,
        )


@app.command()
@cli_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOpt = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) over the configured store.

    One process serves many concurrent readers: on the embedded store each request thread
    reads through its own connection to the one open database, and writes take turns.
    """
    import uvicorn

    from kb.api.main import create_app
    from kb.settings import Settings

    settings = get_settings()
    if store:
        settings = Settings(**{**settings.model_dump(), "store": store})
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
