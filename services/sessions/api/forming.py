"""Forming the relationship: the two-party agreement and the ground rules."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from shared.contracts.vocabulary import Goal, MeetingMode, Topic
from shared.eventstore import run_blocking
from shared.http.auth import CurrentPrincipal
from shared.http.now import APP_CLOCK, Now
from shared.http.service_app import as_problem_responses
from shared.http.validated import EndDate, Text, TimeZoneName, storable
from services.sessions.api.acting import ActingFor, actor, relationship_resource
from services.sessions.api.deps import App
from services.sessions.api.views import RelationshipView

router = APIRouter(prefix="/v1/relationships/{relationship_id}", tags=["agreement and ground rules"],
                   responses=as_problem_responses(401, 403, 404, 409, 422),
                   dependencies=[APP_CLOCK])  # their bodies hold clock-checked values


class GoalInput(Goal):
    topic: Annotated[Topic, AfterValidator(storable)]
    outcome: Text = Field(min_length=1, max_length=500)


class Logistics(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meeting_mode: MeetingMode
    channel_or_place: Text = Field(default="", max_length=300)
    time_zones: list[TimeZoneName] = Field(default_factory=list, max_length=10)
    regular_slot: Text = Field(default="", max_length=100, description="e.g. 'every other Tuesday 17:00 CET'")


class AgreementTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")
    goals: dict[UUID, list[GoalInput]] = Field(description="each person's own specific goals, by participant id")
    end_date: EndDate = Field(description="after today and within 5 years")
    cadence_days: StrictInt = Field(ge=1, le=90)
    logistics: Logistics


class NewGroundRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: Text = Field(min_length=1, max_length=500)


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: StrictInt = Field(ge=1)


@router.post("/agreement", response_model=RelationshipView,
             summary="Propose an agreement version (either party)")
async def propose_agreement(relationship_id: UUID, body: AgreementTerms, app: App, now: Now,
                            principal: CurrentPrincipal, acting_for: ActingFor = None):
    relationship = await run_blocking(app.propose_agreement, relationship_id, actor(principal, acting_for),
                                      body.model_dump(mode="json"), now)
    return relationship_resource(relationship)


@router.post("/agreement/sign", response_model=RelationshipView,
             summary="Sign the latest agreement version; it takes effect when all have")
async def sign_agreement(relationship_id: UUID, body: Signature, app: App, now: Now,
                         principal: CurrentPrincipal, acting_for: ActingFor = None):
    relationship = await run_blocking(app.sign_agreement, relationship_id, actor(principal, acting_for),
                                      body.version, now)
    return relationship_resource(relationship)


@router.post("/ground-rules", response_model=RelationshipView,
             summary="Add one of the pair's own ground rules (before starting)")
async def add_ground_rule(relationship_id: UUID, body: NewGroundRule, app: App, now: Now,
                          principal: CurrentPrincipal, acting_for: ActingFor = None):
    relationship = await run_blocking(app.add_ground_rule, relationship_id, actor(principal, acting_for),
                                      body.rule, now)
    return relationship_resource(relationship)


@router.post("/ground-rules/acknowledge", response_model=RelationshipView,
             summary="Acknowledge the ground rules")
async def acknowledge(relationship_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                      acting_for: ActingFor = None):
    relationship = await run_blocking(app.acknowledge_ground_rules, relationship_id,
                                      actor(principal, acting_for), now)
    return relationship_resource(relationship)
