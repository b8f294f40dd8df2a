from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kb.api.deps import SettingsDep, StoreDep, WriteAccess
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import AgreementIn, AgreementPublic, AgreementsPublic, IsoDate, WriteResult
from kb.loaders.kbfiles import load_parsed, parsed_records
from kb.model import AgreementStatus
from kb.queries.runner import run_named

router = APIRouter(prefix="/agreements", tags=["agreements"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=AgreementsPublic, summary="Agreements, filtered, most recent first")
def agreements(
    store: StoreDep,
    settings: SettingsDep,
    institution: Annotated[
        str | None, Query(description="Only agreements of this institution (id, name, alias).")
    ] = None,
    status: AgreementStatus | None = None,
    signed_after: IsoDate | None = None,
    signed_before: IsoDate | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AgreementsPublic:
    limit = min(limit, settings.page_size_max)
    params = {
        "institution": institution,
        "status": status.value if status else None,
        "signed_after": signed_after,
        "signed_before": signed_before,
        "offset": offset,
        "limit": limit + 1,  # one more, to know whether there is a next page
    }
    rows = run_named(store, "agreements", params).records()
    more = len(rows) > limit
    rows = rows[:limit]
    return AgreementsPublic(
        data=[AgreementPublic.model_validate(r) for r in rows],
        count=len(rows),
        offset=offset,
        limit=limit,
        next_offset=offset + limit if more else None,
    )


@router.put(
    "/{id}",
    response_model=WriteResult,
    dependencies=[WriteAccess],
    summary="Add or replace an agreement (needs the API key)",
)
def put_agreement(
    store: StoreDep,
    body: AgreementIn,
    id: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]*$")],
) -> WriteResult:
    parsed = parsed_records(
        "agreements", [{"id": id, **body.model_dump(mode="json")}], f"PUT /agreements/{id}"
    )
    report = load_parsed(store, parsed)
    return WriteResult.of(report)
