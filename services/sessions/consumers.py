"""What sessions learns: the request and its proposals for the timeline, a
confirmed match, which starts the relationship exactly once, a confirmed match
cancelled after all, which ends it, and a participant who withdrew or was erased,
whose relationships close (and, if erased, whose keys go)."""

from typing import Any

from shared.consumer import Handler
from shared.contracts import intake, matching
from shared.contracts.base import EventContract
from shared.envelope import CloudEvent
from shared.store_access import find_sync
from services.sessions.application import SessionsApplication
from services.sessions.domain.external_facts import ExternalFacts, external_facts_id

TIMELINE_FACTS: dict[type[EventContract], str] = {
    intake.MentorshipRequested: "request_id",
    intake.MentorshipRequestUpdated: "request_id",
    intake.MentorshipRequestWithdrawn: "request_id",
    matching.MatchProposed: "request_id",
    matching.MatchAccepted: "request_id",
    matching.MatchDeclined: "request_id",
    matching.MatchExpired: "request_id",
    matching.MatchExpiryReminderDue: "request_id",
    matching.MatchCancelled: "request_id",
    matching.MatchConfirmed: "request_id",
    matching.RequestUnmatched: "request_id",
}
LEFT_OUT = {"request_id", "program_id"}


def facts_read(fact: Any) -> list[Any]:
    """The timeline ledger a message adds to: loaded with the run (shared/bulk_load.py)."""
    field = TIMELINE_FACTS.get(type(fact))
    return [] if field is None else [external_facts_id(getattr(fact, field))]


def handlers(app: SessionsApplication) -> dict[type[EventContract], Handler]:
    def remember(fact: Any, envelope: CloudEvent) -> list[Any]:
        relationship_id = getattr(fact, TIMELINE_FACTS[type(fact)])
        facts = find_sync(app, external_facts_id(relationship_id), ExternalFacts) or ExternalFacts.open(relationship_id)
        facts.learn(source=envelope.source.rsplit("/", 1)[-1], fact=type(fact).__name__, occurred_at=envelope.time,
                    attributes=fact.model_dump(mode="json", exclude=LEFT_OUT))
        changed: list[Any] = [facts]
        if isinstance(fact, matching.MatchConfirmed):
            changed += start_relationship(fact, envelope)
        if isinstance(fact, matching.MatchCancelled) and fact.after_confirmation:
            changed += end_cancelled_relationship(fact, envelope)
        return changed

    def end_cancelled_relationship(fact: matching.MatchCancelled, envelope: CloudEvent) -> list[Any]:
        return app.end_cancelled_relationship(fact.request_id, fact.reason, envelope.time)

    def start_relationship(fact: matching.MatchConfirmed, envelope: CloudEvent) -> list[Any]:
        return app.start_relationship(
            fact.request_id, fact.program_id, fact.organization_id, fact.format, relationship_parties(fact),
            [goal.model_dump() for goal in fact.goals], fact.cadence_days, fact.length_weeks,
            fact.ground_rules.model_dump(), envelope.time)

    def participant_left(fact: intake.ParticipantWithdrew | intake.ParticipantErased,
                         envelope: CloudEvent) -> list[Any]:
        erased = isinstance(fact, intake.ParticipantErased)
        return app.participant_left(fact.participant_id, erased=erased, at=envelope.time)

    return {**{contract: remember for contract in TIMELINE_FACTS},
            intake.ParticipantWithdrew: participant_left, intake.ParticipantErased: participant_left}


def relationship_parties(fact: matching.MatchConfirmed) -> list[dict[str, Any]]:
    """Co-mentoring makes both people mentor and mentee at once. A co-mentee who is not the
    proposal's mentor (matches confirmed before reciprocal requests paired the named two) is
    still a party: they asked to be in the relationship."""
    mentor_org = fact.mentor_organization_id or fact.organization_id
    reciprocal = fact.format == "reciprocal"
    parties = [
        {"participant_id": str(fact.mentee_id), "role": "both" if reciprocal else "mentee",
         "organization_id": fact.organization_id},
        {"participant_id": str(fact.mentor_id), "role": "both" if reciprocal else "mentor",
         "organization_id": mentor_org},
    ]
    if fact.co_mentee_id is not None and fact.co_mentee_id not in (fact.mentee_id, fact.mentor_id):
        parties.append({"participant_id": str(fact.co_mentee_id), "role": "both",
                        "organization_id": fact.organization_id})
    # A group: one mentor, and each of the other mentees who accepted, in their own organization.
    parties += [{"participant_id": str(member.participant_id), "role": "mentee",
                 "organization_id": member.organization_id} for member in fact.co_mentees]
    return parties
