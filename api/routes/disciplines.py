from __future__ import annotations

from fastapi import APIRouter

from kb import browse
from kb.api.deps import StoreDep
from kb.api.models import DisciplineNode

router = APIRouter(prefix="/disciplines", tags=["disciplines"])


@router.get("", response_model=list[DisciplineNode], summary="The ISCED-F 2013 field tree")
def disciplines(store: StoreDep) -> list[DisciplineNode]:
    return [DisciplineNode.model_validate(n) for n in browse.discipline_tree(store)]
