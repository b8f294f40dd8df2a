from __future__ import annotations

from fastapi import APIRouter

from kb.api.deps import StoreDep
from kb.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The store and what it holds")
def health(store: StoreDep) -> Health:
    return Health(status="ok", store=store.uri, dialect=store.dialect, counts=store.counts())
