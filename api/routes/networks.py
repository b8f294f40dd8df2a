from __future__ import annotations

from fastapi import APIRouter

from kb import browse
from kb.api.deps import StoreDep
from kb.api.errors import PROBLEM_RESPONSES
from kb.api.models import NetworkDetail, NetworkPublic, NetworksPublic

router = APIRouter(prefix="/networks", tags=["networks"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=NetworksPublic, summary="Every network with its member count")
def networks(store: StoreDep) -> NetworksPublic:
    rows = browse.list_networks(store)
    return NetworksPublic(data=[NetworkPublic.model_validate(r) for r in rows], count=len(rows))


@router.get("/{id}", response_model=NetworkDetail, summary="One network, its members and areas")
def network(store: StoreDep, id: str) -> NetworkDetail:
    return NetworkDetail.model_validate(browse.get_network(store, id))
