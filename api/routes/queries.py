"""Every named query as GET /queries/{name}, its parameters and their types in OpenAPI."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kb.api.deps import StoreDep
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import IsoDate, QueryAnswer, QueryInfo, QueryParamInfo
from kb.queries.registry import NamedQuery, registry
from kb.queries.runner import run_named

_TYPES: dict[str, Any] = {"int": int, "float": float, "bool": bool, "date": IsoDate}


def _endpoint(query: NamedQuery) -> Callable[..., QueryAnswer]:
    def run(store: StoreDep, **params: Any) -> QueryAnswer:
        answer = run_named(store, query.name, {k: v for k, v in params.items() if v is not None})
        rows = answer.records()
        return QueryAnswer(
            query=query.name,
            title=query.title,
            params=answer.params,
            columns=answer.result.columns,
            rows=rows,
            count=len(rows),
        )

    # FastAPI reads the signature to document and validate the query string.
    signature = [inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, annotation=StoreDep)]
    for p in query.params:
        base = _TYPES.get(p.type, str)
        help_ = p.help or p.type
        if p.type in ("institution", "network", "field"):
            help_ += f" ({p.type}: id, name, alias{', ISCED code' if p.type == 'field' else ''})"
        annotation = Annotated[base if p.required else base | None, Query(description=help_)]
        signature.append(
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation,
                default=inspect.Parameter.empty if p.required else None,
            )
        )
    run.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    run.__name__ = "query_" + query.name.replace("-", "_")
    return run


def build_router() -> APIRouter:
    router = APIRouter(prefix="/queries", tags=["named queries"], responses=PROBLEM_RESPONSES)

    @router.get("", response_model=list[QueryInfo], summary="The named queries")
    def list_queries() -> list[QueryInfo]:
        return [
            QueryInfo(
                name=q.name,
                title=q.title,
                description=q.description,
                params=[
                    QueryParamInfo(
                        name=p.name,
                        type=p.type,
                        required=p.required,
                        default=p.default,
                        help=p.help,
                    )
                    for p in q.params
                ],
            )
            for q in registry()
        ]

    for q in registry():
        router.add_api_route(
            f"/{q.name}",
            _endpoint(q),
            methods=["GET"],
            response_model=QueryAnswer,
            summary=q.title,
            description=q.description,
        )
    return router
