"""Every error the API returns is application/problem+json (RFC 9457), with one shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.cypher_guard import WriteRefused
from kb.errors import (
    Ambiguous,
    FileError,
    InvalidInput,
    KBError,
    NotFound,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)

PROBLEM = "application/problem+json"
_BASE = "https://kb.invalid/problems/"

# Most specific first: the first matching class decides the status and the type.
_STATUS: list[tuple[type[KBError], int, str, str]] = [
    (WriteRefused, 403, "write-refused", "Ad-hoc Cypher is read-only"),
    (FileError, 422, "invalid-file", "Invalid input"),
    (Ambiguous, 422, "ambiguous-name", "Ambiguous name"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
    (NotFound, 404, "not-found", "Not found"),
    (QueryTimeout, 408, "query-timeout", "Query timed out"),
    (StoreUnavailable, 503, "store-unavailable", "Store unavailable"),
    (StoreError, 400, "store-error", "The store rejected the query"),
    (KBError, 400, "error", "Error"),
]


def problem(
    status: int, title: str, detail: str | None = None, type_: str = "about:blank", **extra: Any
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(
        {k: v for k, v in body.items() if v is not None}, status_code=status, media_type=PROBLEM
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(KBError)
    async def kb_error(_: Request, exc: KBError) -> JSONResponse:
        for cls, status, slug, title in _STATUS:
            if isinstance(exc, cls):
                extra: dict[str, Any] = {}
                if isinstance(exc, FileError):
                    extra["errors"] = [
                        {"field": exc.field, "line": exc.line, "message": exc.detail}
                    ]
                if isinstance(exc, NotFound) and exc.suggestions:
                    extra["suggestions"] = exc.suggestions
                return problem(status, title, str(exc), _BASE + slug, **extra)
        raise exc  # unreachable: KBError is last

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, _BASE + "validation", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "description": text,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for code, text in [(404, "Not found"), (422, "Invalid input")]
}
