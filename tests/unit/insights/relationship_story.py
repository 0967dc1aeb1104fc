"""A whole relationship told through ProgramStory: matched, agreed, active, sessions."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from shared.contracts.sessions import Party
from tests.unit.insights.program_story import GOALS, HOUR, ProgramStory


@dataclass
class Pair:
    request: UUID
    mentee: UUID
    mentor: UUID


def matched_pair(
    story: ProgramStory,
    at: datetime,
    organization: str = "acme",
    mentor_organization: str = "acme",
    score: float = 80.0,
    cadence_days: int = 14,
) -> Pair:
    """Enrolled, requested at `at`, proposed an hour later, accepted by both, confirmed at +3h."""
    mentee = story.enrol("mentee", organization, at)
    mentor = story.enrol("mentor", mentor_organization, at)
    request = story.request(mentee, organization, at)
    proposal = story.propose(request, mentee, mentor, at + HOUR, score)
    story.answer("accept", proposal, request, at + 2 * HOUR, by="mentee")
    story.answer("accept", proposal, request, at + 3 * HOUR, by="mentor")
    story.confirm(
        proposal,
        request,
        mentee,
        mentor,
        at + 3 * HOUR,
        organization,
        mentor_organization if mentor_organization != organization else None,
        cadence_days,
    )
    return Pair(request, mentee, mentor)


def started(
    story: ProgramStory,
    pair: Pair,
    at: datetime,
    organization: str = "acme",
    mentor_organization: str = "acme",
) -> None:
    story.fact(
        "RelationshipStarted",
        pair.request,
        at,
        organization_id=organization,
        format="one_to_one",
        goals=GOALS,
        parties=[
            Party(participant_id=pair.mentee, role="mentee", organization_id=organization),
            Party(participant_id=pair.mentor, role="mentor", organization_id=mentor_organization),
        ],
    )


def agreed_and_active(
    story: ProgramStory, pair: Pair, at: datetime, cadence_days: int | None = None
) -> None:
    """Agreement proposed at `at`, in effect at +1h, ground rules acknowledged, active at +2h."""
    story.fact(
        "AgreementProposed",
        pair.request,
        at,
        agreement_version=1,
        proposed_by=pair.mentee,
        cadence_days=cadence_days,
    )
    story.fact("AgreementSigned", pair.request, at, agreement_version=1, signed_by=pair.mentee)
    story.fact(
        "AgreementSigned", pair.request, at + HOUR, agreement_version=1, signed_by=pair.mentor
    )
    story.fact("AgreementInEffect", pair.request, at + HOUR, agreement_version=1)
    story.fact("GroundRulesAcknowledged", pair.request, at + 2 * HOUR, acknowledged_by=pair.mentee)
    story.fact("GroundRulesAcknowledged", pair.request, at + 2 * HOUR, acknowledged_by=pair.mentor)
    story.fact("RelationshipActivated", pair.request, at + 2 * HOUR, activated_at=at + 2 * HOUR)


def held(story: ProgramStory, pair: Pair, at: datetime, both_learned: bool = True) -> UUID:
    session = uuid4()
    story.fact(
        "SessionScheduled",
        pair.request,
        at - 48 * HOUR,
        session_id=session,
        starts_at=at,
        minutes=60,
        mode="video",
    )
    learners = [pair.mentee, *([pair.mentor] if both_learned else [])]  # who, never what
    story.fact(
        "SessionHeld",
        pair.request,
        at,
        session_id=session,
        minutes=55,
        goals_touched=[0],
        learners=learners,
    )
    return session
