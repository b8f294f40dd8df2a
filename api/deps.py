"""Dependencies: the settings, the one store of the process, and the API key for writes."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from kb.settings import Settings
from kb.store import GraphStore


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]


def require_api_key(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header(description="The API key for writes.")] = None,
) -> None:
    """Writes need the key from the settings; with none configured, every write is refused."""
    expected = settings.api_key.get_secret_value() if settings.api_key else None
    if not expected:
        raise HTTPException(
            401,
            "writes are disabled: the server has no KB_API_KEY set",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    if not x_api_key or not secrets.compare_digest(x_api_key, expected):
        raise HTTPException(
            401,
            "a valid X-API-Key header is required to write",
            headers={"WWW-Authenticate": "ApiKey"},
        )


WriteAccess = Depends(require_api_key)
