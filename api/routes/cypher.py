from __future__ import annotations

from fastapi import APIRouter

from kb.api.deps import SettingsDep, StoreDep
from kb.api.models import CypherRequest, CypherResult
from kb.cypher_guard import check_read_only

router = APIRouter(tags=["cypher"])


@router.post(
    "/cypher",
    response_model=CypherResult,
    summary="Ad-hoc read-only Cypher, time-limited and row-capped",
    responses={
        403: {"description": "The statement writes (refused; nothing changes)."},
        408: {"description": "The statement ran past its time limit."},
    },
)
def cypher(store: StoreDep, settings: SettingsDep, body: CypherRequest) -> CypherResult:
    """Runs one statement in a read-only transaction. Writing clauses are refused before they
    reach the store, and the store refuses writes in the transaction as well."""
    text = check_read_only(body.query)
    cap = min(body.max_rows or settings.max_rows, settings.max_rows)
    timeout = min(body.timeout_s or settings.query_timeout_s, settings.query_timeout_s)
    result = store.run(text, body.params, read_only=True, timeout_s=timeout, max_rows=cap)
    return CypherResult(
        columns=result.columns,
        rows=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
        row_cap=cap,
        timeout_s=timeout,
    )
