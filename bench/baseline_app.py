"""The baseline the intake benchmarks compare with: FastAPI on uvicorn doing one asyncpg
statement per request on the same JSON, with no auth, idempotency, events or encryption.

    BASELINE_DSN=postgresql://... uvicorn bench.baseline_app:app
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS requests (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    body jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_listing ON requests (program_id, created_at, id);
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # max_size 10, as the services' asyncpg pool (shared/runtime.py).
    app.state.pool = await asyncpg.create_pool(os.environ["BASELINE_DSN"], min_size=1, max_size=10)
    await app.state.pool.execute(CREATE_TABLE)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/readyz")
async def readyz(request: Request) -> dict[str, Any]:
    await request.app.state.pool.fetchval("SELECT 1")
    return {"ready": True}


@app.post("/v1/requests", status_code=201)
async def create(request: Request) -> Response:
    body = await request.json()
    request_id = uuid4()
    document = json.dumps({"id": str(request_id), **body})
    await request.app.state.pool.execute(
        "INSERT INTO requests (id, program_id, body) VALUES ($1, $2, $3::jsonb)",
        request_id, UUID(body["program_id"]), document)
    return Response(document, 201, media_type="application/json")


@app.get("/v1/requests/{request_id}")
async def read(request_id: UUID, request: Request) -> Response:
    body = await request.app.state.pool.fetchval("SELECT body FROM requests WHERE id = $1", request_id)
    if body is None:
        raise HTTPException(404)
    return Response(body, media_type="application/json")


@app.get("/v1/requests")
async def listing(program: UUID, request: Request, limit: int = 50) -> dict[str, Any]:
    rows = await request.app.state.pool.fetch(
        "SELECT body FROM requests WHERE program_id = $1 ORDER BY created_at, id LIMIT $2", program, limit + 1)
    return {"items": [json.loads(row["body"]) for row in rows[:limit]], "next_cursor": None}
