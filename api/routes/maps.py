from __future__ import annotations

from fastapi import APIRouter

from kb.api.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/maps", tags=["maps"], responses=PROBLEM_RESPONSES)
