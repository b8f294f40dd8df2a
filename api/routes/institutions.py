from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kb import browse
from kb.api.deps import SettingsDep, StoreDep
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import InstitutionDetail, InstitutionPublic, InstitutionsPublic
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


@router.get("/{id}", response_model=InstitutionDetail, summary="One institution in full")
def detail(store: StoreDep, id: str) -> InstitutionDetail:
    return InstitutionDetail.model_validate(browse.get_institution(store, id))
