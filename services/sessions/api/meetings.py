"""Sessions, private notes, check-ins and the pairing-fit question."""

from typing import Literal
from uuid import UUID, uuid4

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shared.contracts.vocabulary import MeetingMode
from shared.eventstore import run_blocking
from shared.http.auth import CurrentPrincipal
from shared.http.now import APP_CLOCK, Now
from shared.http.service_app import as_problem_responses
from shared.http.validated import PlannedMoment, Text
from services.sessions.api.acting import ActingFor, actor, author_of, relationship_resource
from services.sessions.api.deps import App, SealingVault
from services.sessions.api.views import RelationshipView

router = APIRouter(prefix="/v1/relationships/{relationship_id}", tags=["sessions and check-ins"],
                   responses=as_problem_responses(401, 403, 404, 409, 422),
                   dependencies=[APP_CLOCK])  # their bodies hold clock-checked values


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewSession(Strict):
    session_id: UUID = Field(default_factory=uuid4)
    starts_at: PlannedMoment = Field(description="with its UTC offset; within 5 years")
    minutes: StrictInt = Field(ge=10, le=480)
    mode: MeetingMode
    agenda: Text = Field(default="", max_length=1000)


class Reschedule(Strict):
    starts_at: PlannedMoment = Field(description="with its UTC offset; within 5 years")


class Held(Strict):
    minutes: StrictInt = Field(ge=1, le=480)
    goals_touched: list[StrictInt] = Field(default_factory=list)
    learned: dict[UUID, list[Text]] = Field(
        default_factory=dict, description="what EACH person learned (short public labels): mentoring is two-way")
    absent: list[UUID] = Field(default_factory=list, max_length=8, description=(
        "who did not come (a group's members, say); everyone else attended. At least two people attend "
        "a held session; otherwise it was missed"))


class Missed(Strict):
    missed_by: list[UUID] = Field(min_length=1)


class Note(Strict):
    text: Text = Field(min_length=1, max_length=10_000, description="private: sealed, readable by its author only")


class CheckIn(Strict):
    fit: StrictInt = Field(ge=1, le=5)
    progress: StrictInt = Field(ge=1, le=5)
    comment: Text | None = Field(default=None, max_length=2000, description="private to its author")


class FitAnswer(Strict):
    answer: Literal["good_fit", "still_deciding", "not_a_good_fit"]


@router.post("/sessions", response_model=RelationshipView,
             summary="Schedule a session (only once the relationship is active)")
async def schedule(relationship_id: UUID, body: NewSession, app: App, now: Now, principal: CurrentPrincipal,
                   acting_for: ActingFor = None):
    relationship = await run_blocking(app.schedule_session, relationship_id, actor(principal, acting_for),
                                      body.session_id, body.starts_at, body.minutes, body.mode, body.agenda, now)
    return relationship_resource(relationship)


@router.post("/sessions/{session_id}/reschedule", response_model=RelationshipView,
             summary="Move a scheduled session")
async def reschedule(relationship_id: UUID, session_id: UUID, body: Reschedule, app: App, now: Now,
                     principal: CurrentPrincipal, acting_for: ActingFor = None):
    relationship = await run_blocking(app.reschedule_session, relationship_id, actor(principal, acting_for),
                                      session_id, body.starts_at, now)
    return relationship_resource(relationship)


@router.post("/sessions/{session_id}/cancel", response_model=RelationshipView,
             summary="Cancel; short notice is recorded as late")
async def cancel(relationship_id: UUID, session_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                 acting_for: ActingFor = None):
    relationship = await run_blocking(app.cancel_session, relationship_id, actor(principal, acting_for),
                                      session_id, now)
    return relationship_resource(relationship)


@router.post("/sessions/{session_id}/held", response_model=RelationshipView,
             summary="Record a held session and what each person learned")
async def held(relationship_id: UUID, session_id: UUID, body: Held, app: App, now: Now,
               principal: CurrentPrincipal, acting_for: ActingFor = None):
    learned = {str(person): labels for person, labels in body.learned.items()}
    relationship = await run_blocking(app.mark_session_held, relationship_id, actor(principal, acting_for),
                                      session_id, body.minutes, body.goals_touched, learned, now,
                                      body.absent)
    return relationship_resource(relationship)


@router.post("/sessions/{session_id}/missed", response_model=RelationshipView,
             summary="Record a no-show")
async def missed(relationship_id: UUID, session_id: UUID, body: Missed, app: App, now: Now,
                 principal: CurrentPrincipal, acting_for: ActingFor = None):
    relationship = await run_blocking(app.mark_session_missed, relationship_id,
                                      actor(principal, acting_for), session_id, body.missed_by, now)
    return relationship_resource(relationship)


@router.post("/sessions/{session_id}/notes", response_model=RelationshipView,
             summary="Add a private note, readable only by its author")
async def add_note(relationship_id: UUID, session_id: UUID, body: Note, app: App, vault: SealingVault, now: Now,
                   principal: CurrentPrincipal, acting_for: ActingFor = None):
    author = await author_of(relationship_id, app, principal, acting_for)
    sealed = await vault.seal(author, body.text)
    relationship = await run_blocking(app.add_private_note, relationship_id, actor(principal, acting_for),
                                      session_id, sealed, now)
    return relationship_resource(relationship)


@router.post("/check-ins", response_model=RelationshipView,
             summary="Rate fit and progress from 1 to 5, with an optional private comment")
async def check_in(relationship_id: UUID, body: CheckIn, app: App, vault: SealingVault, now: Now,
                   principal: CurrentPrincipal,
                   acting_for: ActingFor = None):
    author = await author_of(relationship_id, app, principal, acting_for)
    sealed = await vault.seal(author, body.comment) if body.comment else None
    relationship = await run_blocking(app.record_check_in, relationship_id, actor(principal, acting_for),
                                      body.fit, body.progress, sealed, now)
    return relationship_resource(relationship)


@router.post("/pairing-fit", response_model=RelationshipView,
             summary="After the first session: good fit, still deciding, or not a good fit")
async def pairing_fit(relationship_id: UUID, body: FitAnswer, app: App, now: Now, principal: CurrentPrincipal,
                      acting_for: ActingFor = None):
    relationship = await run_blocking(app.report_pairing_fit, relationship_id, actor(principal, acting_for),
                                      body.answer, now)
    return relationship_resource(relationship)
