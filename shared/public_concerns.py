"""What a public event is about, and which organizations that makes it visible to.

Pure: no I/O. Shared by the read-side services that scope public events to tenants
(insights' streams, webhooks' deliveries), so that both mean the same by "concerns".
An event concerns the people, the request (= relationship) and, for an event about a
program itself, the program it names. It is visible to organization X
when one of those belongs to X. A program alone is not enough for events about people
or relationships: a program shared by two organizations would otherwise show each
one the other's people.
"""

from collections.abc import Iterator
from typing import Any

from shared.envelope import CloudEvent

# Fields of the public payloads that name a person (shared/contracts/*); a group's
# request and proposal name its other mentees in the list `co_mentee_ids`, a group's
# confirmation in `co_mentees` (with their organizations).
PERSON_FIELDS = (
    "participant_id",
    "mentee_id",
    "mentor_id",
    "co_mentee_id",
    "named_mentor_id",
    "excluded_mentor_id",
)
RELATIONSHIP_FIELDS = ("request_id", "relationship_id")
# The tenant intake and matching write on events about a program, not an organization.
NO_ORGANIZATION = "operator"


def person(participant_id: Any) -> str:
    return f"person:{participant_id}"


def relationship(relationship_id: Any) -> str:
    return f"relationship:{relationship_id}"


def program(program_id: Any) -> str:
    return f"program:{program_id}"


def entities_of(event: CloudEvent) -> list[str]:
    data = event.data
    found = {person(data[name]) for name in PERSON_FIELDS if data.get(name)}
    found |= {person(member) for member in data.get("co_mentee_ids") or []}
    found |= {
        person(member["participant_id"])
        for member in [*(data.get("parties") or []), *(data.get("co_mentees") or [])]
        if "participant_id" in member
    }
    found |= {relationship(data[name]) for name in RELATIONSHIP_FIELDS if data.get(name)}
    if event.relationship:
        found.add(relationship(event.relationship))
    if not found and program_of(event):
        found.add(program(program_of(event)))
    return sorted(found)


def facts_of(event: CloudEvent) -> Iterator[tuple[str, str]]:
    """(entity, organization) pairs this event establishes."""
    data, kind = event.data, event.type.split(".")[2]
    if kind == "ParticipantEnrolled":
        yield person(data["participant_id"]), data["organization_id"]
    elif kind in ("ProgramOpened", "ProgramChanged"):
        for organization in data["terms"]["organizations"]:
            yield program(data["program_id"]), organization
    elif kind == "MentorshipRequested":
        yield relationship(data["request_id"]), data["organization_id"]
    elif kind == "MatchConfirmed":
        members = [member.get("organization_id") for member in data.get("co_mentees") or []]
        for organization in (data["organization_id"], data.get("mentor_organization_id"), *members):
            if organization:
                yield relationship(data["request_id"]), organization
    elif kind == "RelationshipStarted":
        yield relationship(data["relationship_id"]), data["organization_id"]
        for party in data.get("parties") or []:
            if party.get("organization_id"):
                yield relationship(data["relationship_id"]), party["organization_id"]


def direct_organizations(event: CloudEvent) -> set[str]:
    """The organization the producer named on the envelope, when it names one."""
    return set() if event.tenant == NO_ORGANIZATION else {event.tenant}


def program_of(event: CloudEvent) -> str | None:
    return event.program or (
        str(event.data["program_id"]) if event.data.get("program_id") else None
    )


def relationship_of(event: CloudEvent) -> str | None:
    if event.relationship:
        return event.relationship
    found = next((event.data[name] for name in RELATIONSHIP_FIELDS if event.data.get(name)), None)
    return str(found) if found else None
