"""Pausing, closing, a group's mentee leaving the group, reflecting, and paying it forward."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from shared.eventstore import run_blocking
from shared.http.auth import CurrentPrincipal
from shared.http.now import Now
from shared.http.service_app import as_problem_responses
from shared.http.validated import Text
from services.sessions.api.acting import ActingFor, actor, author_of, relationship_resource
from services.sessions.api.deps import App, SealingVault
from services.sessions.api.views import RelationshipView

router = APIRouter(prefix="/v1/relationships/{relationship_id}", tags=["pause and close"],
                   responses=as_problem_responses(401, 403, 404, 409, 422))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pause(Strict):
    reason: Text = Field(default="", max_length=500)


class Close(Strict):
    outcome: Literal["completed", "ended_early"]
    reason: Text = Field(default="", max_length=500)


class NoFit(Strict):
    rematch: bool = False


class Reflection(Strict):
    text: Text = Field(min_length=1, max_length=10_000, description="private: readable by its author only")
    goal_outcomes: dict[Text, Literal["met", "partly", "not_met"]] = Field(
        default_factory=dict, description="by goal position: public facts")


@router.post("/pause", response_model=RelationshipView, summary="Pause an active relationship")
async def pause(relationship_id: UUID, body: Pause, app: App, now: Now, principal: CurrentPrincipal,
                acting_for: ActingFor = None):
    relationship = await run_blocking(app.pause, relationship_id, actor(principal, acting_for), body.reason,
                                      now)
    return relationship_resource(relationship)


@router.post("/resume", response_model=RelationshipView, summary="Resume a paused relationship")
async def resume(relationship_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                 acting_for: ActingFor = None):
    relationship = await run_blocking(app.resume, relationship_id, actor(principal, acting_for), now)
    return relationship_resource(relationship)


@router.post("/close", response_model=RelationshipView, summary="Close as completed or ended early")
async def close(relationship_id: UUID, body: Close, app: App, now: Now, principal: CurrentPrincipal,
                acting_for: ActingFor = None):
    relationship = await run_blocking(app.close_relationship, relationship_id, actor(principal, acting_for),
                                      body.outcome, body.reason, now)
    return relationship_resource(relationship)


@router.post("/leave-group", response_model=RelationshipView,
             summary="A group's mentee leaves it; the group goes on while another mentee remains")
async def leave_group(relationship_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                      acting_for: ActingFor = None):
    relationship = await run_blocking(app.leave_group, relationship_id, actor(principal, acting_for), now)
    return relationship_resource(relationship)


@router.post("/end-for-no-fit", response_model=RelationshipView,
             summary="End after 'not a good fit', optionally asking for a new match")
async def end_for_no_fit(relationship_id: UUID, body: NoFit, app: App, now: Now, principal: CurrentPrincipal,
                         acting_for: ActingFor = None):
    relationship = await run_blocking(app.end_for_no_fit, relationship_id, actor(principal, acting_for),
                                      body.rematch, now)
    return relationship_resource(relationship)


@router.post("/reflection", response_model=RelationshipView,
             summary="A private closing reflection and public goal outcomes")
async def reflect(relationship_id: UUID, body: Reflection, app: App, vault: SealingVault, now: Now,
                  principal: CurrentPrincipal,
                  acting_for: ActingFor = None):
    author = await author_of(relationship_id, app, principal, acting_for)
    sealed = await vault.seal(author, body.text)
    relationship = await run_blocking(app.record_reflection, relationship_id, actor(principal, acting_for),
                                      sealed, body.goal_outcomes, now)
    return relationship_resource(relationship)


@router.post("/pay-it-forward", response_model=RelationshipView,
             summary="A mentee who completed offers to mentor others")
async def pay_it_forward(relationship_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                         acting_for: ActingFor = None):
    relationship = await run_blocking(app.offer_to_pay_it_forward, relationship_id,
                                      actor(principal, acting_for), now)
    return relationship_resource(relationship)
