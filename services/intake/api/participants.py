"""Participants: partners enrol their people; a participant may act for themself."""

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request

from shared.eventstore import run_blocking
from shared.http.aggregates import change, load, new_id_for, public_history
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.responses import History, json_body, page, resource
from shared.http.service_app import as_problem_responses
from shared.http.validated import Filter
from shared.read_model import list_documents
from services.intake.api.access import check_acts_for_participant, check_sees_program, require_api_caller
from services.intake.api.deps import App, Pool, SealingVault, ToPublic
from services.intake.api.views import ParticipantPage, ParticipantView, ParticipantWithPersonalData
from services.intake.documents import participant_view
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.schemas import Enrolment, ProfileUpdate

router = APIRouter(prefix="/v1/participants", tags=["participants"],
                   responses=as_problem_responses(401, 403, 404, 409, 412, 413, 422, 428))
IfMatch = Annotated[str | None, Header()]


@router.post("", status_code=201, response_model=ParticipantView,
             summary="Enrol a person into a program (partner)")
async def enrol(body: Enrolment, request: Request, app: App, vault: SealingVault, principal: CurrentPrincipal):
    require_roles(principal, "partner")
    check_sees_program(principal, await load(app, body.program_id, Program, "program"))
    participant_id = new_id_for(request, principal)
    personal = body.model_dump_json(include={"name", "contact_email"})
    sealed = await vault.seal(participant_id, personal)
    person = await run_blocking(
        app.enrol, participant_id, body.program_id, principal.tenant,
        body.profile.model_dump(mode="json"), body.consent_given, sealed,
    )
    return resource(participant_view(person), person.version, 201, f"/v1/participants/{person.id}")


@router.get("", response_model=ParticipantPage,
            summary="List participants (filters: program, role, status, topic)")
async def list_participants(
    pool: Pool, principal: CurrentPrincipal, program: UUID | None = None,
    role: Filter | None = None, status: Filter | None = None, topic: Filter | None = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    require_roles(principal, "partner", "operator")
    tags = [tag for tag in (f"role:{role}" if role else None, f"topic:{topic.lower()}" if topic else None) if tag]
    tenant = None if principal.is_operator else principal.tenant
    return page(await list_documents(pool, "participant", tenant=tenant, program_id=program,
                                     status=status, tags=tags, cursor=cursor, limit=limit))


@router.get("/{participant_id}", response_model=ParticipantWithPersonalData,
            summary="Read a participant, with their own personal data")
async def read_participant(participant_id: UUID, app: App, vault: SealingVault, principal: CurrentPrincipal):
    require_api_caller(principal)
    person = await load(app, participant_id, Participant, "participant")
    check_acts_for_participant(principal, person)
    view = participant_view(person)
    if person.personal_ciphertext is not None:
        view["personal"] = json.loads(await vault.open(person.id, person.personal_ciphertext))
    return resource(view, person.version)


@router.put("/{participant_id}/profile", response_model=ParticipantView,
            summary="Replace the profile (If-Match)")
async def update_profile(participant_id: UUID, body: ProfileUpdate, app: App,
                         principal: CurrentPrincipal, if_match: IfMatch = None):
    profile = body.profile.model_dump(mode="json")
    return await _act(participant_id, lambda p: p.update_profile(profile), app, principal, if_match, True)


@router.post("/{participant_id}/pause", response_model=ParticipantView,
             summary="Pause availability")
async def pause(participant_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _act(participant_id, Participant.pause, app, principal, if_match)


@router.post("/{participant_id}/resume", response_model=ParticipantView,
             summary="Resume availability")
async def resume(participant_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _act(participant_id, Participant.resume, app, principal, if_match)


@router.post("/{participant_id}/withdraw", response_model=ParticipantView,
             summary="Withdraw from the program")
async def withdraw(participant_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _act(participant_id, Participant.withdraw, app, principal, if_match)


@router.post("/{participant_id}/erase", response_model=ParticipantView,
             summary="Erase personal data (right to be forgotten)")
async def erase(participant_id: UUID, app: App, vault: SealingVault, principal: CurrentPrincipal):
    require_api_caller(principal)
    person = await run_blocking(app.erase_participant, participant_id,
                                lambda p: check_acts_for_participant(principal, p))
    # The event is saved first, the key deleted second: a retry after a failed deletion
    # finds the erasure recorded, deletes the key and answers as the first attempt would.
    await vault.erase(participant_id)
    return resource(participant_view(person), person.version)


@router.post("/{participant_id}/mentor-enrolment/confirm", response_model=ParticipantView,
             summary="Confirm a pay-it-forward offer to mentor")
async def confirm_mentor(participant_id: UUID, app: App, principal: CurrentPrincipal):
    return await _act(participant_id, Participant.confirm_mentor_enrolment, app, principal, None)


@router.get("/{participant_id}/events", response_model=History,
            summary="The participant's history (no personal data)")
async def participant_history(participant_id: UUID, app: App, to_public: ToPublic, principal: CurrentPrincipal):
    require_api_caller(principal)
    person = await load(app, participant_id, Participant, "participant")
    check_acts_for_participant(principal, person)
    return json_body({"items": await run_blocking(public_history, app, participant_id, to_public)})


async def _act(participant_id, command, app, principal, if_match, require_if_match=False):
    require_api_caller(principal)
    person = await change(
        app, participant_id, Participant, "participant", command,
        authorize=lambda p: check_acts_for_participant(principal, p),
        if_match=if_match, require_if_match=require_if_match,
    )
    return resource(participant_view(person), person.version)
