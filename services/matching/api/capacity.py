"""A mentor's seats as people see them: how many relationships they hold and how many are free."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from shared.errors import NotFound
from shared.eventstore import run_blocking
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.responses import resource
from shared.http.service_app import as_problem_responses
from services.matching.api.deps import App
from services.matching.api.views import CapacityView

router = APIRouter(prefix="/v1/mentors", tags=["capacity"], responses=as_problem_responses(401, 403, 404))


@router.get("/{mentor_id}/capacity", response_model=CapacityView,
            summary="Seats held and free, following running relationships")
async def read_capacity(mentor_id: UUID, app: App, principal: CurrentPrincipal,
                        role: Annotated[Literal["mentor", "mentee"], Query(description=(
                            "the ledger to read: the person's seats as a mentor (default) or as a mentee, "
                            "e.g. a group member's own seat"))] = "mentor"):
    """Operators see every mentor; a partner its own organization's mentors; a mentor themself.
    Anyone else is told the mentor does not exist, as for proposals."""
    require_roles(principal, "partner", "participant", "operator")
    found = await run_blocking(app.mentor_capacity, mentor_id, role)
    if found is None:
        raise NotFound("mentor", mentor_id)
    organization_id, view, version = found
    own_mentor = "partner" in principal.roles and principal.tenant == organization_id
    if not (principal.is_operator or own_mentor or principal.participant_id == mentor_id):
        raise NotFound("mentor", mentor_id)
    return resource(view, version)
