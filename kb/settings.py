"""Settings, read from the environment (prefix ``KB_``) and never at import time."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = "embedded://./kb-data"


class Settings(BaseSettings):
    """Configuration of kb, shared by the CLI and the API."""

    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    store: str = Field(
        DEFAULT_STORE,
        description="Where the graph lives: embedded:///path/to/folder (default ./kb-data) "
        "or neo4j://user@host:7687 (also bolt://, neo4j+s://).",
    )
    neo4j_password: SecretStr | None = Field(
        None,
        validation_alias="NEO4J_PASSWORD",
        description="Password for a Neo4j store when the URI does not carry one.",
    )
    batch_size: int = Field(
        5000, ge=1, description="Rows per UNWIND batch when loading into Neo4j."
    )
    query_timeout_s: float = Field(
        30.0, gt=0, description="Time limit, in seconds, for ad-hoc Cypher."
    )
    max_rows: int = Field(10_000, ge=1, description="Row cap for ad-hoc Cypher results.")
    api_key: SecretStr | None = Field(
        None,
        description="Key that API writes (POST /load, PUT /agreements/{id}) must send in the "
        "X-API-Key header; with none set, the API refuses every write.",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description='Origins allowed to call the API from a browser, e.g. ["https://intranet.example"].',
    )
    page_size_max: int = Field(500, ge=1, description="Largest page the list endpoints return.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
