"""Proposals: read them with their explanation, accept or decline them."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.vocabulary import DeclineReason
from shared.errors import NotFound, NotPermitted
from shared.eventstore import run_blocking
from shared.http.aggregates import load, public_history
from shared.http.auth import CurrentPrincipal, Principal, require_roles
from shared.http.now import Now
from shared.http.problems import Problem
from shared.http.responses import History, json_body, page, resource
from shared.http.service_app import as_problem_responses
from shared.http.validated import Filter, Text
from shared.read_model import list_documents
from services.matching import pool_queries
from services.matching.api.deps import App, Pool, SealingVault, ToPublic
from services.matching.api.decline_words import seen_by
from services.matching.documents import match_view
from services.matching.api.views import MatchPage, MatchView
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import ProgramPolicy

router = APIRouter(prefix="/v1/matches", tags=["matches"],
                   responses=as_problem_responses(401, 403, 404, 409, 422))


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    acting_as: Literal["mentee", "mentor"] | None = Field(
        default=None, description="a partner answering for one of the two says which")
    acting_for: UUID | None = Field(
        default=None, description="a group's other mentee a partner answers for (with acting_as mentee)")


NO_BODY = Answer()


class Decline(Answer):
    reason: Text = Field(min_length=1, max_length=500, description=(
        "the decliner's own words: sealed with their key, shown to them only, never leaving matching"))
    reason_code: DeclineReason = Field(default="other", description="the public fact: why, as a code")


class OperatorPair(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_id: UUID
    mentor_id: UUID


def organizations_of(proposal: MatchProposal) -> dict[str, str]:
    """Whose each answer is: the two sides', and each of a group's other mentees'."""
    return {"mentee": proposal.organization_id,
            "mentor": proposal.terms.get("mentor_organization_id", proposal.organization_id),
            **(proposal.terms.get("co_mentee_organizations") or {})}


def check_sees(principal: Principal, proposal: MatchProposal) -> None:
    organizations = set(organizations_of(proposal).values())
    if principal.is_operator:
        return
    if "partner" in principal.roles and principal.tenant in organizations:
        return
    if own_side_of(principal, proposal) is not None:
        return
    raise NotFound("match", proposal.id)


def own_side_of(principal: Principal, proposal: MatchProposal) -> str | None:
    """The side the caller is on, if the token is that person's (organization included)."""
    organizations = organizations_of(proposal)
    person = principal.participant_id
    side = proposal.side_of(person) if person else None
    if side is None or person is None or not principal.is_person(person, organizations[side]):
        return None
    return side


@router.get("", response_model=MatchPage,
            summary="List proposals (filters: request, participant, program, status)")
async def list_matches(pool: Pool, principal: CurrentPrincipal, request: UUID | None = None,
                       participant: UUID | None = None, program: UUID | None = None, status: Filter | None = None,
                       cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50):
    require_roles(principal, "partner", "participant", "operator")
    if principal.acts_only_for_self:
        participant = principal.participant_id
    tags = [f"request:{request}" if request else None, f"participant:{participant}" if participant else None]
    if not principal.is_operator:
        tags.append(f"organization:{principal.tenant}")
    return page(await list_documents(pool, "match", tenant=None, program_id=program, status=status,
                                     tags=[t for t in tags if t], cursor=cursor, limit=limit))


@router.get("/{match_id}", response_model=MatchView,
            summary="Read a proposal with its score breakdown and explanation")
async def read_match(match_id: UUID, app: App, vault: SealingVault, principal: CurrentPrincipal):
    require_roles(principal, "partner", "participant", "operator")
    proposal = await load(app, match_id, MatchProposal, "match")
    check_sees(principal, proposal)
    return resource(await seen_by(principal, proposal, vault), proposal.version)


@router.post("/{match_id}/accept", response_model=MatchView,
             summary="Accept: the match is confirmed when both have")
async def accept(match_id: UUID, app: App, now: Now, principal: CurrentPrincipal,
                 body: Annotated[Answer, Body(description="only when answering for someone")] = NO_BODY):
    # Optional and never null in the contract: a generated client then leaves it out
    # rather than sending null (or, for some generators, an unset marker).
    proposal = await _visible(match_id, app, principal)
    answer = body
    side, answered_by = answering_side(principal, proposal, answer.acting_as, answer.acting_for,
                                       await _partners_may_answer(app, proposal))
    answered = await run_blocking(app.accept, match_id, side, now, answered_by)
    return resource(match_view(answered), answered.version)


@router.post("/{match_id}/decline", response_model=MatchView,
             summary="Decline, with a reason; the next candidate is proposed")
async def decline(match_id: UUID, body: Decline, app: App, vault: SealingVault, now: Now, principal: CurrentPrincipal):
    proposal = await _visible(match_id, app, principal)
    side, answered_by = answering_side(principal, proposal, body.acting_as, body.acting_for,
                                       await _partners_may_answer(app, proposal))
    words = await vault.seal(proposal.decliner_of(side), body.reason)
    answered = await run_blocking(app.decline, match_id, side, words, now,
                                  body.reason_code, answered_by)
    return resource(await seen_by(principal, answered, vault), answered.version)


@router.post("", status_code=201, response_model=MatchView,
             summary="Propose a pair by hand (operator); the hard rules still apply")
async def propose_by_hand(body: OperatorPair, app: App, pool: Pool, now: Now, principal: CurrentPrincipal):
    require_roles(principal, "operator")
    managers = await pool_queries.reporting_lines(pool)
    proposal = await run_blocking(app.propose_pair, body.request_id, body.mentor_id, "operator",
                                  now, managers=managers)
    return resource(match_view(proposal), proposal.version, 201, f"/v1/matches/{proposal.id}")


@router.get("/{match_id}/events", response_model=History, summary="The proposal's history")
async def match_history(match_id: UUID, app: App, to_public: ToPublic, request: Request, principal: CurrentPrincipal):
    proposal = await load(app, match_id, MatchProposal, "match")
    check_sees(principal, proposal)
    return json_body({"items": await run_blocking(public_history, app, match_id, to_public)})


async def _visible(match_id: UUID, app: App, principal: Principal) -> MatchProposal:
    require_roles(principal, "partner", "participant", "operator")
    proposal = await load(app, match_id, MatchProposal, "match")
    check_sees(principal, proposal)
    return proposal


async def _partners_may_answer(app: App, proposal: MatchProposal) -> bool:
    program = await load(app, proposal.program_id, ProgramPolicy, "program")
    return bool(program.terms.get("partners_answer_for_people", True))


def answering_side(principal: Principal, proposal: MatchProposal, acting_as: str | None,
                   acting_for: UUID | None = None, partners_may_answer: bool = True) -> tuple[str, str | None]:
    """A person answers for themself; a partner only for its own person, naming the side
    (and, for a group's other mentee, the person), and only where the program lets
    partners answer. Returns the side and who answered for it (None: the person did)."""
    own_side = own_side_of(principal, proposal)
    if own_side is not None:
        return own_side, None
    if acting_as is None:
        # A missing field, not a state of the match: 422 naming it, like any other.
        raise Problem(422, "validation-failed", "body.acting_as: say mentee or mentor when answering for someone",
                      errors=[{"field": "body.acting_as", "reason": "required when answering for someone"}])
    if acting_for is not None:
        acting_as = proposal.side_of(acting_for) if acting_as == "mentee" else None
        if acting_as is None or acting_as == "mentor":
            raise Problem(422, "validation-failed", "body.acting_for: not one of the proposal's mentees",
                          errors=[{"field": "body.acting_for", "reason": "not one of the proposal's mentees"}])
    organization = organizations_of(proposal).get(acting_as)
    if principal.is_operator:
        return acting_as, principal.subject
    if "partner" in principal.roles and principal.tenant == organization:
        if not partners_may_answer:
            raise NotPermitted("people-answer-for-themselves",
                               "in this program each person accepts or declines for themself")
        return acting_as, principal.subject
    raise NotPermitted("not-your-participant", f"only the {acting_as} or their organization can answer as {acting_as}")
