"""Program health, folded from the stored public events: per program and per
organization, as of a time. A dashboard token reads only its own organization's."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from shared.http.problems import Problem
from shared.http.route_deps import Pool
from services.insights.api.access import NewBookDep, Reader, scoped_organization
from services.insights.api.query_checks import invalid, only_known_parameters, rfc_3339
from shared.public_concerns import program as program_entity
from services.insights.health_book import replayed

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/programs/{program_id}/health")
async def program_health(
    request: Request,
    program_id: UUID,
    principal: Reader,
    pool: Pool,
    new_book: NewBookDep,
    as_of: str | None = None,
) -> dict[str, Any]:
    only_known_parameters(request, {"as_of"})
    moment = rfc_3339("query.as_of", as_of)
    if not principal.is_operator and not await pool.fetchval(
        """SELECT EXISTS (SELECT 1 FROM entity_organizations
                          WHERE entity = $1 AND organization = $2)""",
        program_entity(program_id),
        principal.tenant,
    ):
        raise _no_program(program_id)  # another organization's program: not there for this token
    book = await replayed(pool, new_book, moment, program=str(program_id))
    try:
        return book.program(str(program_id), moment)
    except KeyError as error:
        raise _no_program(program_id) from error


@router.get("/health")
async def organization_health(
    request: Request,
    principal: Reader,
    pool: Pool,
    new_book: NewBookDep,
    organization: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    only_known_parameters(request, {"organization", "as_of"})
    if organization is None or not organization.strip():
        raise invalid("query.organization", "required")
    moment = rfc_3339("query.as_of", as_of)
    scoped = scoped_organization(principal, organization)
    assert scoped is not None
    book = await replayed(pool, new_book, moment)
    try:
        return book.organization(scoped, moment)
    except KeyError as error:
        raise Problem(404, "not-found", f"no organization {scoped} in insights") from error


def _no_program(program_id: UUID) -> Problem:
    return Problem(404, "not-found", f"no program {program_id} in insights")
