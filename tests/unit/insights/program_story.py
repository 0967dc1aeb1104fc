"""Recorded histories of public events for the health tests, built from the contract
classes and wrapped in the CloudEvent envelope exactly as the relays put them on Kafka."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID, uuid4

import orjson

from shared.contracts import intake, matching, sessions
from shared.contracts.base import EventContract
from shared.contracts.vocabulary import (
    GroundRulesTemplate,
    Goal,
    MatchableProfile,
    Preferences,
    ProgramTerms,
)
from shared.envelope import CloudEvent

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
GOALS = [Goal(topic="public speaking", outcome="give a keynote")]
_sequence = count(1)


def envelope(contract: EventContract, at: datetime, tenant: str = "acme") -> dict[str, Any]:
    program = getattr(contract, "program_id", None)
    relationship = getattr(contract, "relationship_id", None) or getattr(
        contract, "request_id", None
    )
    event = CloudEvent(
        id=str(uuid4()),
        source=f"/mentoring/{contract.service}",
        type=contract.cloudevent_type(),
        subject=str(relationship or program),
        time=at,
        dataschema=f"https://mentoring.example/events/{contract.cloudevent_type()}.json",
        tenant=tenant,
        program=str(program) if program else None,
        relationship=str(relationship) if relationship else None,
        correlationid=str(uuid4()),
        sequence=str(next(_sequence)),
        data=contract.model_dump(mode="json"),
    )
    return orjson.loads(event.to_bytes())


def profile(role: str, organization: str, department: str = "") -> MatchableProfile:
    return MatchableProfile(
        roles=role,
        years_experience=5,
        career_stage="mid",
        organization=organization,
        department=department,
        time_zone="Europe/Paris",
        meeting_modes=["video"],
        languages=["en"],
        capacity=2,
    )


class ProgramStory:
    """One program's public history, told step by step; `events` is the recorded log."""

    def __init__(
        self, organizations: tuple[str, ...] = ("acme",), name: str = "Leaders 2027"
    ) -> None:
        self.program = uuid4()
        self.events: list[dict[str, Any]] = []
        self.emit(
            intake.ProgramOpened(
                program_id=self.program,
                terms=ProgramTerms(
                    name=name,
                    formats=["one_to_one", "reciprocal"],
                    organizations=list(organizations),
                ),
            ),
            T0,
        )

    def emit(self, contract: EventContract, at: datetime, tenant: str = "acme") -> dict[str, Any]:
        self.events.append(envelope(contract, at, tenant))
        return self.events[-1]

    def enrol(self, role: str, organization: str, at: datetime, department: str = "") -> UUID:
        person = uuid4()
        self.emit(
            intake.ParticipantEnrolled(
                participant_id=person,
                program_id=self.program,
                organization_id=organization,
                profile_version=1,
                profile=profile(role, organization, department),
            ),
            at,
        )
        return person

    def request(
        self, mentee: UUID, organization: str, at: datetime, avoid: tuple[str, ...] = ()
    ) -> UUID:
        request = uuid4()
        self.emit(
            intake.MentorshipRequested(
                request_id=request,
                program_id=self.program,
                organization_id=organization,
                mentee_id=mentee,
                format="one_to_one",
                goals=GOALS,
                meeting_modes=["video"],
                preferences=Preferences(avoid=list(avoid)),
                requested_at=at,
            ),
            at,
        )
        return request

    def propose(
        self, request: UUID, mentee: UUID, mentor: UUID, at: datetime, score: float = 80.0
    ) -> UUID:
        proposal = uuid4()
        self.emit(
            matching.MatchProposed(
                proposal_id=proposal,
                request_id=request,
                program_id=self.program,
                mentee_id=mentee,
                mentor_id=mentor,
                score=score,
                explanation="both gain",
                expires_at=at + 72 * HOUR,
                attempt=1,
                origin="on_demand",
                provenance=matching.Provenance(
                    factor_contributions={"learning": score},
                    mentee_profile_version=1,
                    mentor_profile_version=1,
                    policy_version=1,
                    algorithm="greedy",
                    seed=1,
                ),
            ),
            at,
        )
        return proposal

    def answer(
        self, kind: str, proposal: UUID, request: UUID, at: datetime, by: str = "mentee"
    ) -> None:
        ids = {"proposal_id": proposal, "request_id": request, "program_id": self.program}
        contract: EventContract = {
            "accept": lambda: matching.MatchAccepted(**ids, by=by),
            "decline": lambda: matching.MatchDeclined(**ids, by=by, reason="timing"),
            "expire": lambda: matching.MatchExpired(**ids),
            "cancel": lambda: matching.MatchCancelled(**ids, reason="request withdrawn"),
        }[kind]()
        self.emit(contract, at)

    def confirm(
        self,
        proposal: UUID,
        request: UUID,
        mentee: UUID,
        mentor: UUID,
        at: datetime,
        organization: str = "acme",
        mentor_organization: str | None = None,
        cadence_days: int = 14,
        format: str = "one_to_one",
    ) -> None:
        self.emit(
            matching.MatchConfirmed(
                proposal_id=proposal,
                request_id=request,
                program_id=self.program,
                organization_id=organization,
                mentor_organization_id=mentor_organization,
                mentee_id=mentee,
                mentor_id=mentor,
                format=format,
                goals=GOALS,
                cadence_days=cadence_days,
                length_weeks=26,
                ground_rules=GroundRulesTemplate(),
            ),
            at,
        )

    def unmatched(
        self, request: UUID, at: datetime, code: str | None = "no-mentor-available"
    ) -> None:
        self.emit(
            matching.RequestUnmatched(
                request_id=request, program_id=self.program, reason="nobody fits", reason_code=code
            ),
            at,
        )

    def withdraw(self, request: UUID, at: datetime) -> None:
        self.emit(
            intake.MentorshipRequestWithdrawn(request_id=request, program_id=self.program), at
        )

    def fact(self, name: str, relationship: UUID, at: datetime, **fields: Any) -> dict[str, Any]:
        """Any sessions event by its contract name."""
        contract = getattr(sessions, name)
        return self.emit(
            contract(relationship_id=relationship, program_id=self.program, **fields), at
        )
