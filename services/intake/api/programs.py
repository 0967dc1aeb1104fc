"""Programs: operators open and steer them; partners taking part can read them."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request

from shared.eventstore import run_blocking
from shared.http.aggregates import change, load, new_id_for, public_history
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.responses import History, json_body, page, resource
from shared.http.service_app import as_problem_responses
from shared.http.validated import Filter
from shared.read_model import list_documents
from services.intake.api.access import check_sees_program, require_api_caller
from services.intake.api.deps import App, Pool, ToPublic
from services.intake.api.views import ProgramPage, ProgramView
from services.intake.documents import program_view
from services.intake.domain.program import Program
from services.intake.schemas import ProgramSettings

router = APIRouter(prefix="/v1/programs", tags=["programs"],
                   responses=as_problem_responses(401, 403, 404, 409, 412, 422, 428))
IfMatch = Annotated[str | None, Header()]


@router.post("", status_code=201, response_model=ProgramView, summary="Open a program (operator)")
async def open_program(body: ProgramSettings, request: Request, app: App, principal: CurrentPrincipal):
    require_roles(principal, "operator")
    program = await run_blocking(
        app.open_program, new_id_for(request, principal), body.model_dump(mode="json")
    )
    return resource(program_view(program), program.version, 201, f"/v1/programs/{program.id}")


@router.get("", response_model=ProgramPage, summary="List programs")
async def list_programs(pool: Pool, principal: CurrentPrincipal, status: Filter | None = None,
                        cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50):
    require_api_caller(principal)
    tenant_tag = None if principal.is_operator else [f"organization:{principal.tenant}"]
    return page(await list_documents(pool, "program", tenant=None, status=status,
                                     tags=tenant_tag, cursor=cursor, limit=limit))


@router.get("/{program_id}", response_model=ProgramView, summary="Read a program")
async def read_program(program_id: UUID, app: App, principal: CurrentPrincipal):
    require_api_caller(principal)
    program = await load(app, program_id, Program, "program")
    check_sees_program(principal, program)
    return resource(program_view(program), program.version)


@router.put("/{program_id}", response_model=ProgramView,
            summary="Change a program's settings (operator; If-Match)")
async def change_program(program_id: UUID, body: ProgramSettings, app: App,
                         principal: CurrentPrincipal, if_match: IfMatch = None):
    require_roles(principal, "operator")
    settings = body.model_dump(mode="json")
    program = await change(app, program_id, Program, "program",
                           lambda p: p.change_settings(settings),
                           if_match=if_match, require_if_match=True)
    return resource(program_view(program), program.version)


@router.post("/{program_id}/pause", response_model=ProgramView,
             summary="Pause a program (operator)")
async def pause_program(program_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _program_action(program_id, Program.pause, app, principal, if_match)


@router.post("/{program_id}/reopen", response_model=ProgramView,
             summary="Reopen a paused program (operator)")
async def reopen_program(program_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _program_action(program_id, Program.reopen, app, principal, if_match)


@router.post("/{program_id}/close", response_model=ProgramView,
             summary="Close a program for good (operator)")
async def close_program(program_id: UUID, app: App, principal: CurrentPrincipal, if_match: IfMatch = None):
    return await _program_action(program_id, Program.close, app, principal, if_match)


async def _program_action(program_id, command, app, principal, if_match):
    require_roles(principal, "operator")
    program = await change(app, program_id, Program, "program",
                           lambda program: command(program, by=principal.subject), if_match=if_match)
    return resource(program_view(program), program.version)


@router.get("/{program_id}/events", response_model=History, summary="The program's history")
async def program_history(program_id: UUID, app: App, to_public: ToPublic, principal: CurrentPrincipal):
    require_api_caller(principal)
    program = await load(app, program_id, Program, "program")
    check_sees_program(principal, program)
    return json_body({"items": await run_blocking(public_history, app, program_id, to_public)})
