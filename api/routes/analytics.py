from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kb.analytics.brokers import network_brokers
from kb.analytics.centrality import Measure, central_institutions
from kb.analytics.communities import institution_communities
from kb.analytics.projection import Filters
from kb.analytics.scores import write_scores
from kb.analytics.suggest import partner_suggestions
from kb.api.deps import StoreDep, WriteAccess
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import (
    BrokersPublic,
    CentralityPublic,
    CommunitiesPublic,
    ScoresWritten,
    SuggestionsPublic,
)

router = APIRouter(prefix="/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES)

CountryQ = Annotated[str | None, Query(description="Only institutions in this country.")]
NetworkQ = Annotated[str | None, Query(description="Only members of this network.")]
FieldQ = Annotated[str | None, Query(description="Only agreements covering this ISCED-F field.")]
SinceQ = Annotated[int | None, Query(ge=1000, le=2100, description="Signed in or after.")]
UntilQ = Annotated[int | None, Query(ge=1000, le=2100, description="Signed in or before.")]
SeedQ = Annotated[int, Query(ge=0, description="Random seed (sampled betweenness, Louvain).")]
SampleQ = Annotated[
    int | None,
    Query(ge=1, le=100_000, description="Estimate betweenness from this many sources."),
]


@router.get(
    "/centrality", response_model=CentralityPublic, summary="Institutions ranked by centrality"
)
def centrality(
    store: StoreDep,
    measure: Measure = "pagerank",
    top: Annotated[int, Query(ge=1, le=10_000)] = 20,
    country: CountryQ = None,
    network: NetworkQ = None,
    field: FieldQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    seed: SeedQ = 0,
    sample: SampleQ = None,
) -> CentralityPublic:
    filters = Filters(country=country, network=network, field=field, since=since, until=until)
    result = central_institutions(
        store, measure, top=top, filters=filters, seed=seed, sample=sample
    )
    return CentralityPublic.model_validate({**result, "data": result["rows"]})


@router.get(
    "/communities", response_model=CommunitiesPublic, summary="Communities of partners (Louvain)"
)
def communities(
    store: StoreDep,
    country: CountryQ = None,
    network: NetworkQ = None,
    field: FieldQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    seed: SeedQ = 0,
    resolution: Annotated[float, Query(gt=0, le=100, description="Above 1: smaller.")] = 1.0,
) -> CommunitiesPublic:
    filters = Filters(country=country, network=network, field=field, since=since, until=until)
    groups = institution_communities(store, filters, seed=seed, resolution=resolution)
    return CommunitiesPublic.model_validate({"data": groups, "count": len(groups)})


@router.get("/brokers", response_model=BrokersPublic, summary="Institutions linking two networks")
def brokers(
    store: StoreDep,
    a: Annotated[str, Query(min_length=1, description="A network: id, name or acronym.")],
    b: Annotated[str, Query(min_length=1, description="Another network.")],
) -> BrokersPublic:
    result = network_brokers(store, a, b)
    return BrokersPublic.model_validate(
        {**result, "data": result["rows"], "count": len(result["rows"])}
    )


@router.get(
    "/suggestions/{institution}",
    response_model=SuggestionsPublic,
    summary="Suggested new partners for an institution, with reasons",
)
def suggestions(
    store: StoreDep,
    institution: Annotated[str, Path(description="An institution: id, name or acronym.")],
    limit: Annotated[int, Query(ge=1, le=500)] = 10,
) -> SuggestionsPublic:
    result = partner_suggestions(store, institution, limit)
    return SuggestionsPublic.model_validate(
        {**result, "data": result["rows"], "count": len(result["rows"])}
    )


@router.post(
    "/scores",
    response_model=ScoresWritten,
    dependencies=[WriteAccess],
    summary="Store every centrality score on the institutions (needs the API key)",
)
def scores(store: StoreDep, seed: SeedQ = 0, sample: SampleQ = None) -> ScoresWritten:
    return ScoresWritten.model_validate(write_scores(store, seed=seed, sample=sample))
