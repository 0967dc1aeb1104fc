"""What matching learns from intake: programs, the pool of people, open requests."""

from typing import Any

from shared.consumer import Handler
from shared.contracts import intake as facts
from shared.contracts.base import EventContract
from shared.envelope import CloudEvent
from shared.store_access import find_sync, load_sync
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats, seats_id
from services.matching.participants_leaving import when_participant_left
from services.matching.seat_release import free_seats_of

# Intake owns "the request is over"; a confirmation that raced the withdrawal is undone.
WITHDRAWN_BEFORE_START = "the request was withdrawn before the match started"

ROLES_WITH_SEATS = {"mentor": ("mentor",), "mentee": ("mentee",), "both": ("mentor", "mentee")}


def seats_read(fact: Any) -> list[Any]:
    """The seat ledgers a message about a person may touch: loaded with the run (shared/bulk_load.py)."""
    participant_id = getattr(fact, "participant_id", None)
    return [] if participant_id is None else [seats_id(participant_id, role) for role in ("mentor", "mentee")]


def handlers(app: MatchingApplication) -> dict[type[EventContract], Handler]:
    def program_opened(fact: facts.ProgramOpened, _: CloudEvent) -> list[Any]:
        if find_sync(app, fact.program_id, ProgramPolicy):
            return []
        return [ProgramPolicy(id=fact.program_id, terms=fact.terms.model_dump(mode="json"), status="open",
                              policy_version=1)]

    def program_changed(fact: facts.ProgramChanged, _: CloudEvent) -> list[Any]:
        policy = load_sync(app, fact.program_id, ProgramPolicy, "program")
        policy.learn(fact.terms.model_dump(mode="json"), fact.status, fact.policy_version)
        return [policy]

    def participant_enrolled(fact: facts.ParticipantEnrolled, _: CloudEvent) -> list[Any]:
        profile = fact.profile.model_dump(mode="json")
        member = PoolMember(id=fact.participant_id, program_id=fact.program_id,
                            organization_id=fact.organization_id, profile=profile,
                            profile_version=fact.profile_version)
        return [member, *seats_for(fact.participant_id, profile)]

    def profile_updated(fact: facts.ParticipantProfileUpdated, _: CloudEvent) -> list[Any]:
        member = load_sync(app, fact.participant_id, PoolMember, "participant")
        profile = fact.profile.model_dump(mode="json")
        member.learn_profile(profile, fact.profile_version)
        return [member, *seats_for(fact.participant_id, profile)]

    def seats_for(participant_id: Any, profile: dict[str, Any]) -> list[Seats]:
        ledgers = []
        for role in ROLES_WITH_SEATS[profile["roles"]]:
            seats = find_sync(app, seats_id(participant_id, role), Seats)
            if seats is None:
                seats = Seats.open(participant_id, role, profile["capacity"])
            seats.set_capacity(profile["capacity"])
            ledgers.append(seats)
        return ledgers

    def status_learned(status_of: Any) -> Handler:
        def handle(fact: Any, _: CloudEvent) -> list[Any]:
            member = load_sync(app, fact.participant_id, PoolMember, "participant")
            member.learn_status(status_of(fact))
            return [member]

        return handle

    def request_received(fact: facts.MentorshipRequested, _: CloudEvent) -> list[Any]:
        if find_sync(app, fact.request_id, MatchRequest):
            return []
        details = fact.model_dump(mode="json", exclude={"request_id", "program_id", "organization_id"})
        return [MatchRequest(id=fact.request_id, program_id=fact.program_id,
                             organization_id=fact.organization_id, details=details)]

    def request_updated(fact: facts.MentorshipRequestUpdated, _: CloudEvent) -> list[Any]:
        request = load_sync(app, fact.request_id, MatchRequest, "request")
        request.revise({**request.details, **fact.model_dump(mode="json", include={"goals", "meeting_modes",
                                                                                     "preferences"})})
        return [request]

    def request_withdrawn(fact: facts.MentorshipRequestWithdrawn, _: CloudEvent) -> list[Any]:
        request = load_sync(app, fact.request_id, MatchRequest, "request")
        changed: list[Any] = [request]
        if request.current_proposal is not None and request.status != "withdrawn":
            proposal = load_sync(app, request.current_proposal, MatchProposal, "match")
            if proposal.is_open:
                proposal.cancel("the request was withdrawn")
                changed.append(proposal)
            elif proposal.status == "confirmed":
                # Confirmed while intake withdrew it: cancel the match and free its seats in
                # this save; sessions closes the relationship on the published cancellation.
                proposal.cancel_confirmed(WITHDRAWN_BEFORE_START)
                changed += [proposal, *free_seats_of(app, proposal)]
        request.withdraw()
        return changed

    def participant_left(status: str) -> Handler:
        def handle(fact: Any, _: CloudEvent) -> list[Any]:
            return when_participant_left(app, fact.participant_id, status)

        return handle

    return {
        facts.ProgramOpened: program_opened,
        facts.ProgramChanged: program_changed,
        facts.ParticipantEnrolled: participant_enrolled,
        facts.ParticipantProfileUpdated: profile_updated,
        facts.ParticipantAvailabilityChanged: status_learned(lambda f: "active" if f.available else "paused"),
        facts.ParticipantWithdrew: participant_left("withdrawn"),
        facts.ParticipantErased: participant_left("erased"),
        facts.MentorshipRequested: request_received,
        facts.MentorshipRequestUpdated: request_updated,
        facts.MentorshipRequestWithdrawn: request_withdrawn,
    }
