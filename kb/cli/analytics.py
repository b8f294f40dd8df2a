"""`kb analytics …`: centrality, communities, brokers and partner suggestions."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kb import render
from kb.cli.common import JsonOpt, StoreOpt, cli_errors, emit_rows, err, opened, out

app = typer.Typer(help="Network analytics: centrality, communities, brokers, partner suggestions.")

CountryOpt = Annotated[
    str | None, typer.Option(help="Only institutions in this country (ISO code or name).")
]
NetworkOpt = Annotated[
    str | None, typer.Option(help="Only members of this network (id, name or acronym).")
]
FieldOpt = Annotated[
    str | None, typer.Option(help="Only agreements covering this ISCED-F field or a sub-field.")
]
SinceOpt = Annotated[int | None, typer.Option(help="Only agreements signed in or after this year.")]
UntilOpt = Annotated[
    int | None, typer.Option(help="Only agreements signed in or before this year.")
]
SeedOpt = Annotated[int, typer.Option(help="Random seed (sampled betweenness, Louvain).")]
SampleOpt = Annotated[
    int | None,
    typer.Option(
        help="Estimate betweenness from this many sample sources (default: exact up to "
        "2,000 institutions).",
        show_default=False,
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(
        help="Engine of betweenness, pagerank and communities: networkx, igraph or networkit "
        "(the last two come with kb's extra 'fast'; igraph gives NetworkX's betweenness and "
        "pagerank, many times faster)."
    ),
]


def _filters(
    country: str | None,
    network: str | None,
    field: str | None,
    since: int | None,
    until: int | None,
) -> Any:
    from kb.analytics.projection import Filters

    return Filters(country=country, network=network, field=field, since=since, until=until)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _sampled_note(method: str, as_json: bool) -> None:
    if method != "exact" and not as_json:
        err.print(f"betweenness was estimated: {method}", highlight=False)


@app.command()
@cli_errors
def centrality(
    measure: Annotated[
        str,
        typer.Option(
            help="degree, weighted_degree (agreements), betweenness, eigenvector or pagerank."
        ),
    ] = "pagerank",
    top: Annotated[int, typer.Option(help="How many institutions to list.")] = 20,
    country: CountryOpt = None,
    network: NetworkOpt = None,
    field: FieldOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    seed: SeedOpt = 0,
    sample: SampleOpt = None,
    engine: EngineOpt = "networkx",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank institutions by a centrality measure over their agreements: kb analytics
    centrality --measure betweenness --country RU"""
    from kb.analytics.centrality import central_institutions

    with opened(store) as s:
        result = central_institutions(
            s,
            measure,
            top=top,
            filters=_filters(country, network, field, since, until),
            seed=seed,
            sample=sample,
            engine=engine,  # type: ignore[arg-type]
        )
    if as_json:
        print(render.dumps(result))
        return
    rows = [[r["rank"], _label(r), r["country"], _num(r["score"])] for r in result["rows"]]
    title = f"Institutions by {measure} ({result['method']}; {result['count']} ranked)"
    emit_rows(["rank", "institution", "country", measure], rows, False, title)
    _sampled_note(result["method"], as_json)


def _label(row: dict[str, Any]) -> str:
    return f"{row['name']} ({row['id']})" if row.get("name") else row["id"]


@app.command()
@cli_errors
def communities(
    country: CountryOpt = None,
    network: NetworkOpt = None,
    field: FieldOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    seed: SeedOpt = 0,
    resolution: Annotated[
        float, typer.Option(help="Above 1 gives smaller communities, below 1 larger ones.")
    ] = 1.0,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Group institutions into communities of partners (Louvain); 0 is the largest."""
    from kb.analytics.communities import institution_communities

    with opened(store) as s:
        groups = institution_communities(
            s, _filters(country, network, field, since, until), seed=seed, resolution=resolution
        )
    if as_json:
        print(render.dumps(groups))
        return
    rows = [
        [c["community"], c["size"], ", ".join(m["name"] or m["id"] for m in c["members"])]
        for c in groups
    ]
    emit_rows(["community", "size", "members"], rows, False, "Communities of partners")


@app.command()
@cli_errors
def brokers(
    network_a: Annotated[str, typer.Argument(help="A network: id, name or acronym.")],
    network_b: Annotated[str, typer.Argument(help="Another network.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Institutions that link members of two networks: kb analytics brokers "BRICS NU" WC2"""
    from kb.analytics.brokers import network_brokers

    with opened(store) as s:
        result = network_brokers(s, network_a, network_b)
    if as_json:
        print(render.dumps(result))
        return
    a, b = result["a"]["name"], result["b"]["name"]
    if not result["rows"]:
        out.print(f"No institution links members of {a} with members of {b}.", highlight=False)
        return
    rows = [
        [_label(r), r["connects"], _num(r["betweenness"]), r["reasons"]] for r in result["rows"]
    ]
    emit_rows(
        ["broker", "connects", "betweenness", "reasons"],
        rows,
        False,
        f"Brokers between {a} and {b}",
    )


@app.command()
@cli_errors
def suggest(
    institution: Annotated[str, typer.Argument(help="An institution: id, name or acronym.")],
    limit: Annotated[int, typer.Option(min=1, help="How many suggestions.")] = 10,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Suggest new partners: shared fields, shared networks and common partners, with reasons."""
    from kb.analytics.suggest import partner_suggestions

    with opened(store) as s:
        result = partner_suggestions(s, institution, limit)
    if as_json:
        print(render.dumps(result))
        return
    rows = [[_label(r), r["country"], r["score"], r["reasons"]] for r in result["rows"]]
    name = result["institution"]["name"] or result["institution"]["id"]
    emit_rows(["institution", "country", "score", "reasons"], rows, False, f"Partners for {name}")


@app.command()
@cli_errors
def scores(
    write: Annotated[
        bool, typer.Option("--write", help="Store the scores on the Institution nodes.")
    ] = False,
    top: Annotated[int, typer.Option(help="How many institutions to list (without --write).")] = 20,
    seed: SeedOpt = 0,
    sample: SampleOpt = None,
    engine: EngineOpt = "networkx",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every centrality measure and the community of each institution; --write stores them
    as properties, so Cypher can use them: ORDER BY i.pagerank DESC"""
    from kb.analytics.scores import score_rows, write_scores

    with opened(store) as s:
        if write:
            summary = write_scores(s, seed=seed, sample=sample, engine=engine)  # type: ignore[arg-type]
        else:
            result = score_rows(s, seed=seed, sample=sample, engine=engine)  # type: ignore[arg-type]
    if write:
        if as_json:
            print(render.dumps(summary))
        else:
            out.print(
                f"Wrote scores on {summary['institutions']} institutions "
                f"({summary['with_agreements']} with agreements, {summary['communities']} "
                f"communities; betweenness {summary['betweenness']}).",
                highlight=False,
            )
        return
    if as_json:
        print(render.dumps(result))
        return
    names = ["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank", "community"]
    rows = [
        [r["id"], *(_num(r[n]) if n != "community" else r[n] for n in names)]
        for r in result["rows"][:top]
    ]
    out.print(render.table(["institution", *names], rows, "Scores by pagerank (not stored)"))
    out.print("Store them with: kb analytics scores --write", highlight=False)
    _sampled_note(result["betweenness"], as_json)
