"""Reading relationships: current state, lists, and the whole timeline as of any moment."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from shared.errors import NotFound
from shared.eventstore import run_blocking
from shared.http.aggregates import load
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.responses import json_body, page
from shared.http.service_app import as_problem_responses
from shared.http.validated import Filter, Moment
from shared.read_model import list_documents
from shared.store_access import find_sync
from shared.vault import Erased
from services.sessions.api.acting import check_visible, relationship_resource
from services.sessions.api.deps import App, Pool, SealingVault
from services.sessions.api.views import RelationshipPage, RelationshipView, Timeline
from services.sessions.domain.relationship import Relationship
from services.sessions.timeline import build_timeline, state_summary

router = APIRouter(prefix="/v1/relationships", tags=["relationships"],
                   responses=as_problem_responses(401, 403, 404, 422))
READERS = ("partner", "participant", "operator")
AsOf = Annotated[Moment | None, Query(description="the moment to show it as of, with its UTC offset")]


@router.get("", response_model=RelationshipPage,
            summary="List relationships (filters: participant, program, status)")
async def list_relationships(pool: Pool, principal: CurrentPrincipal, participant: UUID | None = None,
                             program: UUID | None = None, status: Filter | None = None, cursor: str | None = None,
                             limit: Annotated[int, Query(ge=1, le=200)] = 50):
    require_roles(principal, *READERS)
    if principal.acts_only_for_self:
        participant = principal.participant_id
    tags = [f"participant:{participant}"] if participant else []
    if not principal.is_operator:
        tags.append(f"organization:{principal.tenant}")
    return page(await list_documents(pool, "relationship", tenant=None, program_id=program,
                                     status=status, tags=tags, cursor=cursor, limit=limit))


@router.get("/{relationship_id}", response_model=RelationshipView,
            summary="A relationship's current state")
async def read_relationship(relationship_id: UUID, app: App, principal: CurrentPrincipal):
    require_roles(principal, *READERS)
    relationship = await load(app, relationship_id, Relationship, "relationship")
    check_visible(principal, relationship)
    return relationship_resource(relationship)


@router.get("/{relationship_id}/timeline", response_model=Timeline,
            summary="Every event of the relationship, across services, in order")
async def timeline(relationship_id: UUID, app: App, vault: SealingVault, principal: CurrentPrincipal,
                   as_of: AsOf = None):
    require_roles(principal, *READERS)
    current = await run_blocking(find_sync, app, relationship_id, Relationship)
    if current is not None:
        check_visible(principal, current)
    elif not principal.is_operator:
        # Before a match is confirmed only operators see the request's prelude here.
        raise NotFound("relationship", relationship_id)
    entries, state = await run_blocking(build_timeline, app, relationship_id, principal.participant_id,
                                        as_of)
    if current is None and not entries:
        raise NotFound("relationship", relationship_id)
    for entry in entries:
        sealed = entry.pop("sealed_for_reader", None)
        if sealed is not None:
            assert principal.participant_id is not None  # entries are sealed only for a reader
            try:
                entry["private"] = await vault.open(principal.participant_id, sealed)
            except Erased:
                entry["private_erased"] = True  # the reader's key is gone: the entry stays, its text does not
    return json_body({"relationship_id": str(relationship_id), "as_of": as_of, "state": state_summary(state),
                      "entries": entries})
