"""Interactive maps as self-contained HTML pages (they fetch nothing once loaded)."""

from __future__ import annotations

from types import ModuleType
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import HTMLResponse

from kb.api.deps import StoreDep
from kb.api.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/maps", tags=["maps"], responses=PROBLEM_RESPONSES)

Measure = Literal["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"]
SizeQ = Annotated[Measure, Query(description="Centrality that sizes the nodes.")]
ColorQ = Annotated[
    Literal["country", "region", "type"], Query(description="What picks a node's colour.")
]
HTML = {200: {"description": "An HTML page with the map", "content": {"text/html": {}}}}


def _maps() -> ModuleType:
    # Imported on use: maps need the "viz" extra (pyvis), the rest of the API does not.
    try:
        from kb.viz import maps
    except ImportError as exc:
        raise HTTPException(501, f"maps need the viz extra (pip install 'kb[viz]'): {exc}") from exc
    return maps


@router.get(
    "/ego/{institution}",
    response_class=HTMLResponse,
    responses=HTML,
    summary="An institution, its partners (and theirs at depth 2) and their agreements",
)
def ego(
    store: StoreDep,
    institution: Annotated[str, Path(description="Id, name, alias or acronym.")],
    depth: Annotated[int, Query(ge=1, le=2, description="1: partners; 2: theirs too.")] = 1,
    size_by: SizeQ = "degree",
    color_by: ColorQ = "country",
) -> HTMLResponse:
    m = _maps().ego_map(store, institution, depth, size_by=size_by, color_by=color_by)
    return HTMLResponse(m.html)


@router.get(
    "/network/{network}",
    response_class=HTMLResponse,
    responses=HTML,
    summary="The members of a network and the agreements between them",
)
def network(
    store: StoreDep,
    network: Annotated[str, Path(description="Network id, name or acronym.")],
    size_by: SizeQ = "degree",
    color_by: ColorQ = "country",
) -> HTMLResponse:
    return HTMLResponse(
        _maps().network_map(store, network, size_by=size_by, color_by=color_by).html
    )


@router.get(
    "/field/{field}",
    response_class=HTMLResponse,
    responses=HTML,
    summary="Institutions whose agreements cover an ISCED-F field or its sub-fields",
)
def field(
    store: StoreDep,
    field: Annotated[str, Path(description="ISCED-F code or field name.")],
    size_by: SizeQ = "degree",
    color_by: ColorQ = "country",
) -> HTMLResponse:
    return HTMLResponse(_maps().field_map(store, field, size_by=size_by, color_by=color_by).html)


@router.get(
    "/countries",
    response_class=HTMLResponse,
    responses=HTML,
    summary="Countries joined by the agreements between their institutions",
)
def countries(
    store: StoreDep,
    size_by: Annotated[Measure, Query(description="Centrality that sizes the nodes.")] = (
        "weighted_degree"
    ),
    color_by: Annotated[
        Literal["region", "country"], Query(description="What picks a node's colour.")
    ] = "region",
) -> HTMLResponse:
    return HTMLResponse(_maps().countries_map(store, size_by=size_by, color_by=color_by).html)
