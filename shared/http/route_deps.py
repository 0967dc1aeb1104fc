"""What a route may take, one part of the running service each: its application (the use
cases), the database pool (read models), the vault (sealing confidential text) and the
public mapper (histories). A route names the parts it uses instead of reaching into the
whole runtime, so its signature says what it touches.

Each dependency is async so FastAPI does not hop to a worker thread for an attribute
read (a sync dependency runs on AnyIO's thread pool: 2% of intake's write path)."""

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request

from shared.publishing import PublicMapper
from shared.runtime import App
from shared.vault import Vault


async def app_of(request: Request) -> Any:
    return request.app.state.runtime.app


async def pool_of(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool | None = request.app.state.runtime.pool
    assert pool is not None, "the pool exists from start-up on"
    return pool


async def vault_of(request: Request) -> Vault:
    vault: Vault = request.app.state.runtime.vault
    return vault


async def public_mapper_of(request: Request) -> PublicMapper:
    mapper: PublicMapper = request.app.state.runtime.to_public
    return mapper


# A service names its application: `App = AppOf[IntakeApplication]` (services/<service>/api/deps.py).
AppOf = Annotated[App, Depends(app_of)]
Pool = Annotated[asyncpg.Pool, Depends(pool_of)]
SealingVault = Annotated[Vault, Depends(vault_of)]
ToPublic = Annotated[PublicMapper, Depends(public_mapper_of)]
