from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from kb.api.deps import StoreDep, WriteAccess
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import WriteResult
from kb.loaders.kbfiles import load_parsed, parse_text

router = APIRouter(tags=["load"], responses=PROBLEM_RESPONSES)

_EXAMPLE = "institutions:\n  - id: example-u\n    name: Example University\n    country: FI\n"


@router.post(
    "/load",
    response_model=WriteResult,
    dependencies=[WriteAccess],
    summary="Load one knowledge-base file (YAML), all or nothing (needs the API key)",
)
def load(
    store: StoreDep,
    document: Annotated[
        str,
        Body(
            media_type="application/yaml",
            description="A knowledge-base file (see docs/kb-format.md).",
            examples=[_EXAMPLE],
        ),
    ],
    name: Annotated[
        str, Query(description="A name for the file, used in error messages.")
    ] = "upload.yaml",
) -> WriteResult:
    report = load_parsed(store, parse_text(document, name))
    return WriteResult.of(report)
