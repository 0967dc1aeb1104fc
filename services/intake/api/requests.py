"""Mentorship requests: a mentee's specific goals, made by them or their partner."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request

from shared.eventstore import run_blocking
from shared.http.aggregates import change, load, new_id_for, public_history
from shared.http.auth import CurrentPrincipal, Principal
from shared.http.now import Now
from shared.http.responses import History, json_body, page, resource
from shared.http.service_app import as_problem_responses
from shared.http.validated import Filter
from shared.http.versions import check_if_match
from shared.read_model import list_documents
from shared.store_access import LoadedOnce, load_sync
from services.intake.api.access import (
    check_acts_for_participant,
    check_acts_for_request,
    check_sees_person,
    check_sees_program,
    require_api_caller,
)
from services.intake.api.deps import App, Pool, SealingVault, ToPublic
from services.intake.api.group_members import check_group_members
from services.intake.documents import request_view
from services.intake.api.views import RequestPage, RequestView
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.schemas import NewRequest, RequestUpdate

router = APIRouter(prefix="/v1/requests", tags=["requests"],
                   responses=as_problem_responses(401, 403, 404, 409, 412, 413, 422, 428))
IfMatch = Annotated[str | None, Header()]


@router.post("", status_code=201, response_model=RequestView,
             summary="Request mentoring, with 1 to 5 specific goals")
async def request_mentorship(body: NewRequest, request: Request, app: App, vault: SealingVault, now: Now,
                             principal: CurrentPrincipal):
    require_api_caller(principal)
    # Two worker-thread calls, each aggregate loaded once: the checks, then (after sealing
    # the message, which needs the vault's pool) the use case on the same aggregates.
    loaded = LoadedOnce(app)
    mentee = await run_blocking(check_parties, loaded, principal, body)
    request_id = new_id_for(request, principal)
    sealed = await vault.seal(body.mentee_id, body.personal_message) if body.personal_message else None
    fields = body.model_dump(mode="json", exclude={"personal_message"})
    for key in ("program_id", "mentee_id", "co_mentee_id", "named_mentor_id", "co_mentee_ids"):
        fields[key] = getattr(body, key)
    created = await run_blocking(
        app.request_mentorship, request_id, mentee.organization_id, fields, sealed, now, loaded
    )
    return resource(request_view(created), created.version, 201, f"/v1/requests/{created.id}")


def check_parties(loaded: LoadedOnce, principal: Principal, body: NewRequest) -> Participant:
    """Everyone the request names, as this caller may see them; the mentee."""
    mentee = loaded.get(body.mentee_id, Participant, "participant")
    check_acts_for_participant(principal, mentee)
    # Ids the caller cannot see answer 404 before any rule could say they exist.
    program = loaded.get(body.program_id, Program, "program")
    check_sees_program(principal, program)
    for named in (body.co_mentee_id, body.named_mentor_id):
        if named is not None:
            person = loaded.get(named, Participant, "participant")
            check_sees_person(principal, person, loaded.get(person.program_id, Program, "program"))
    check_group_members(loaded, principal, body, program)
    return mentee


@router.get("", response_model=RequestPage,
            summary="List requests (filters: program, status, topic, participant)")
async def list_requests(
    pool: Pool, principal: CurrentPrincipal, program: UUID | None = None, status: Filter | None = None,
    topic: Filter | None = None, participant: UUID | None = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    require_api_caller(principal)
    if principal.acts_only_for_self:
        participant = principal.participant_id  # a person lists only their own requests
    tags = [tag for tag in (f"topic:{topic.lower()}" if topic else None,
                            f"participant:{participant}" if participant else None) if tag]
    tenant = None if principal.is_operator else principal.tenant
    return page(await list_documents(pool, "request", tenant=tenant, program_id=program,
                                     status=status, tags=tags, cursor=cursor, limit=limit))


@router.get("/{request_id}", response_model=RequestView, summary="Read a request")
async def read_request(request_id: UUID, app: App, principal: CurrentPrincipal):
    require_api_caller(principal)
    found = await load(app, request_id, MentorshipRequest, "request")
    check_acts_for_request(principal, found)
    return resource(request_view(found), found.version)


@router.put("/{request_id}", response_model=RequestView,
            summary="Edit a pending request's goals and preferences (If-Match)")
async def update_request(request_id: UUID, body: RequestUpdate, app: App,
                         principal: CurrentPrincipal, if_match: IfMatch = None):
    require_api_caller(principal)
    update = body.model_dump(mode="json")
    updated = await change(
        app, request_id, MentorshipRequest, "request", lambda r: r.update(**update),
        authorize=lambda r: check_acts_for_request(principal, r), if_match=if_match, require_if_match=True,
    )
    return resource(request_view(updated), updated.version)


@router.post("/{request_id}/withdraw", response_model=RequestView,
             summary="Withdraw a pending request")
async def withdraw_request(request_id: UUID, app: App, principal: CurrentPrincipal,
                           if_match: IfMatch = None):
    require_api_caller(principal)

    def withdraw() -> MentorshipRequest:
        found = load_sync(app, request_id, MentorshipRequest, "request")
        check_acts_for_request(principal, found)
        if if_match is not None:
            check_if_match(if_match, found.version)
        app.withdraw_request(found)
        return found

    withdrawn = await run_blocking(withdraw)
    return resource(request_view(withdrawn), withdrawn.version)


@router.get("/{request_id}/events", response_model=History,
            summary="The request's history (no sealed text)")
async def request_history(request_id: UUID, app: App, to_public: ToPublic, principal: CurrentPrincipal):
    require_api_caller(principal)
    found = await load(app, request_id, MentorshipRequest, "request")
    check_acts_for_request(principal, found)
    return json_body({"items": await run_blocking(public_history, app, request_id, to_public)})
