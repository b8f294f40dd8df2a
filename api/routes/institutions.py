from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kb import browse
from kb.api.deps import SettingsDep, StoreDep
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import (
    InstitutionDetail,
    InstitutionMatchesPublic,
    InstitutionMatchPublic,
    InstitutionPublic,
    InstitutionsPublic,
)
from kb.identity import resolve_institution
from kb.model import InstitutionKind

router = APIRouter(prefix="/institutions", tags=["institutions"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=InstitutionsPublic, summary="Search institutions")
def search(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="Text in a name, alias, acronym or former name.")] = "",
    country: Annotated[str, Query(description="ISO 3166-1 code or English name.")] = "",
    kind: InstitutionKind | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InstitutionsPublic:
    limit = min(limit, settings.page_size_max)
    rows, total = browse.search_institutions(
        store, q, country, kind.value if kind else "", offset, limit
    )
    return InstitutionsPublic(
        data=[InstitutionPublic.model_validate(r) for r in rows],
        count=total,
        offset=offset,
        limit=limit,
    )


@router.get(
    "/resolve",
    response_model=InstitutionMatchesPublic,
    summary="Which institution a name, acronym, URL or domain means",
)
def resolve(
    store: StoreDep,
    name: Annotated[
        str, Query(min_length=1, description="Any spelling or script, a URL, a domain.")
    ],
    country: Annotated[str, Query(description="ISO 3166-1 code or English name: a hint.")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
) -> InstitutionMatchesPublic:
    matches = resolve_institution(store, name, country=country or None, limit=limit)
    return InstitutionMatchesPublic(
        query=name,
        country=country or None,
        data=[
            InstitutionMatchPublic.model_validate(m.as_dict() | {"rank": i})
            for i, m in enumerate(matches, 1)
        ],
        count=len(matches),
        sure=bool(matches and matches[0].sure),
    )


@router.get("/{id}", response_model=InstitutionDetail, summary="One institution in full")
def detail(
    store: StoreDep,
    settings: SettingsDep,
    id: str,
    agreements_offset: Annotated[int, Query(ge=0)] = 0,
    agreements_limit: Annotated[
        int, Query(ge=1, le=500, description="Agreements per page, most recent first.")
    ] = 100,
) -> InstitutionDetail:
    limit = min(agreements_limit, settings.page_size_max)
    return InstitutionDetail.model_validate(
        browse.get_institution(store, id, agreements_offset, limit)
    )
