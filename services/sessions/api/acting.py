"""Who may read a relationship and on whose behalf a command is given.

A participant acts for themself. A partner acts for one of its own people by naming
them (`acting_for`); an operator for anyone. Everyone else gets 404.
"""

from typing import Annotated
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse

from shared.errors import NotFound, NotPermitted
from shared.http.aggregates import load
from shared.http.auth import Principal
from shared.http.problems import Problem
from shared.http.responses import resource
from services.sessions.application import Actor, SessionsApplication
from services.sessions.documents import relationship_view
from services.sessions.domain.relationship import Relationship

ActingFor = Annotated[UUID | None, Query(description="the person a partner or operator acts for")]


def party_organization(relationship: Relationship, person: UUID) -> str | None:
    party = next((p for p in relationship.parties if UUID(str(p["participant_id"])) == person), None)
    return party.get("organization_id") if party else None


def is_party(principal: Principal, relationship: Relationship) -> bool:
    person = principal.participant_id
    return person is not None and relationship.role_of(person) is not None \
        and principal.is_person(person, party_organization(relationship, person))


def check_visible(principal: Principal, relationship: Relationship) -> None:
    if principal.is_operator:
        return
    if is_party(principal, relationship):
        return
    organizations = {p.get("organization_id") for p in relationship.parties}
    if "partner" in principal.roles and principal.tenant in organizations:
        return
    raise NotFound("relationship", relationship.id)


def acting_person(principal: Principal, relationship: Relationship, acting_for: UUID | None) -> UUID:
    check_visible(principal, relationship)
    if is_party(principal, relationship):
        assert principal.participant_id is not None
        return principal.participant_id
    if acting_for is None or relationship.role_of(acting_for) is None:
        reason = "required when acting for someone" if acting_for is None else "not one of the relationship's people"
        raise Problem(422, "validation-failed", f"query.acting_for: {reason}",
                      errors=[{"field": "query.acting_for", "reason": reason}])
    if principal.is_operator or principal.tenant == party_organization(relationship, acting_for):
        return acting_for
    raise NotPermitted("not-your-participant", "a partner acts only for its own people")


def actor(principal: Principal, acting_for: UUID | None) -> Actor:
    """Who acts, settled by the use case on the relationship it loads (one load, one check)."""
    return lambda relationship: acting_person(principal, relationship, acting_for)


def relationship_resource(relationship: Relationship) -> JSONResponse:
    return resource(relationship_view(relationship), relationship.version)


async def author_of(relationship_id: UUID, app: SessionsApplication,
                    principal: Principal, acting_for: UUID | None) -> UUID:
    """Private text is sealed with its author's own key, so the author is settled first."""
    relationship = await load(app, relationship_id, Relationship, "relationship")
    return acting_person(principal, relationship, acting_for)
