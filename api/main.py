"""The kb HTTP API: `create_app()` builds it over one store, opened at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from kb.api import errors
from kb.api.models import Problem
from kb.api.routes import (
    agreements,
    analytics,
    cypher,
    disciplines,
    health,
    institutions,
    load,
    maps,
    networks,
)
from kb.api.routes.queries import build_router
from kb.settings import Settings, get_settings
from kb.store import GraphStore, open_store


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The app. Without `store`, it opens the settings' store at start-up and closes it at
    shutdown; a given store is used as it is (and left open)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_store(settings.store)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="kb",
        summary="A graph knowledge base of universities, networks, agreements and fields.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["X-API-Key", "Content-Type"],
        )
    errors.install(app)
    for module in (
        health,
        institutions,
        networks,
        agreements,
        disciplines,
        cypher,
        load,
        analytics,
        maps,
    ):
        app.include_router(module.router)
    app.include_router(build_router())

    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
            Problem.model_json_schema()
        )
        _document_problems(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _document_problems(schema: dict) -> None:
    """Every 4xx answer is application/problem+json: say so for every operation, including
    the 400 a malformed request body gets."""
    problem = {errors.PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in schema.get("paths", {}).values():
        for op in path.values():
            responses = op.setdefault("responses", {})
            if "requestBody" in op:
                responses.setdefault("400", {"description": "Malformed request body"})
            for code, response in responses.items():
                if code.startswith("4"):
                    response["content"] = problem
