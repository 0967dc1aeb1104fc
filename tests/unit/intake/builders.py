"""Programs, people and requests in known states, for intake's unit tests."""

from datetime import UTC, datetime
from uuid import uuid4

from shared.contracts.vocabulary import MatchableProfile, ProgramTerms
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from tests.support.sealed_stand_ins import sealed_stand_in

NOW = datetime(2026, 4, 1, tzinfo=UTC)


def program(formats=("one_to_one",), cap: int = 2) -> Program:  # noqa: ANN001
    terms = ProgramTerms(name="Leaders", formats=list(formats), organizations=["acme", "globex"],
                         max_open_requests_per_mentee=cap).model_dump(mode="json")
    return Program(id=uuid4(), settings={**terms, "description": "a program"})


def person(of: Program, roles: str = "mentee", organization: str = "acme") -> Participant:
    profile = MatchableProfile(roles=roles, offers=[{"topic": "sql", "level": "expert"}], wants=["leadership"],
                               years_experience=4, career_stage="early", organization=organization,
                               time_zone="Europe/Paris", meeting_modes=["video"], languages=["en"],
                               capacity=2).model_dump(mode="json")
    return Participant.enrol(id=uuid4(), program_id=of.id, organization_id=organization, profile=profile,
                             consent_given=True, personal_ciphertext=sealed_stand_in("SEALED-PERSONAL"))


def goals(*topics: str) -> list[dict[str, str]]:
    return [{"topic": topic, "outcome": f"get better at {topic}"} for topic in topics]


def request(of: Program, mentee: Participant, topics=("leadership",), named=None) -> MentorshipRequest:  # noqa: ANN001
    return MentorshipRequest(
        id=uuid4(), program_id=of.id, organization_id=mentee.organization_id, mentee_id=mentee.id, co_mentee_id=None,
        format="one_to_one", goals=goals(*topics), meeting_modes=["video"], preferences={"must_have": [], "avoid": []},
        named_mentor_id=named, message_ciphertext=sealed_stand_in("SEALED-MESSAGE") if named else None,
        requested_at=NOW)
