"""What every `kb` command shares: the store option, error handling, consoles, rendering."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from kb import render
from kb.errors import KBError
from kb.settings import get_settings
from kb.store import GraphStore, open_store

out = Console(soft_wrap=True)  # long lines stay whole when piped
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])
WIDE = 4  # more columns than this print as one card per row

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="KB_STORE",
        help="embedded:///path/to/folder (default ./kb-data) or neo4j://user@host:7687.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParamsOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="A parameter as key=value; repeat for several."),
]


def cli_errors(fn: F) -> F:
    """Turn kb's errors into one line on stderr and exit status 1 — no stack trace."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            # The message is text, not markup: "kb[fast]" must print as written.
            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened(store: str | None) -> Iterator[GraphStore]:
    s = open_store(store or get_settings().store)
    try:
        yield s
    finally:
        s.close()


def parse_params(items: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        params[key.strip()] = value
    return params


def emit_rows(columns: list[str], rows: list[list[Any]], as_json: bool, title: str = "") -> None:
    if as_json:
        print(render.dumps([dict(zip(columns, r, strict=True)) for r in rows]))
    elif not rows:
        out.print(f"{title + ': ' if title else ''}no rows.")
    elif len(columns) > WIDE or render.CHAINS & set(columns):
        if title:
            out.print(f"[bold]{title}[/bold] ({len(rows)} rows)\n")
        out.print(render.cards(columns, rows), markup=False, highlight=False)
    else:
        out.print(render.table(columns, rows, title or None))


def progress_bar(disable: bool = False) -> Any:
    """The progress bar of long commands, on stderr, gone when done; off for --json."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=disable,
    )
