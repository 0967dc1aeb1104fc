"""Partners' endpoints in the webhooks database: registration (the secret is answered
once and kept sealed), rotation, disabling, deletion. Every query is scoped by the
caller's organization (None: an operator, every organization)."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.webhooks.secret_box import SecretBox
from services.webhooks.signing import new_secret

COLUMNS = "id, organization, url, types, description, enabled, disabled_reason, created_at"


class Endpoints:
    def __init__(self, pool: asyncpg.Pool, box: SecretBox, overlap_hours: float) -> None:
        self.pool, self.box, self.overlap_hours = pool, box, overlap_hours

    async def register(
        self, organization: str, url: str, types: list[str], description: str
    ) -> tuple[dict[str, Any], str]:
        endpoint_id, secret = uuid4(), new_secret()
        row = await self.pool.fetchrow(
            f"""INSERT INTO endpoints (id, organization, url, types, description, sealed_secret)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}""",
            endpoint_id,
            organization,
            url,
            types,
            description,
            self.box.seal(endpoint_id, secret),
        )
        return dict(row), secret

    async def find(self, organization: str | None, endpoint_id: UUID) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            f"SELECT {COLUMNS} FROM endpoints WHERE id = $1 AND ($2::text IS NULL OR "
            "organization = $2)",
            endpoint_id,
            organization,
        )
        return dict(row) if row else None

    async def page(
        self, organization: str | None, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(
            f"""SELECT {COLUMNS} FROM endpoints
                WHERE ($1::text IS NULL OR organization = $1)
                  AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
                ORDER BY created_at, id LIMIT $4""",
            organization,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [dict(row) for row in rows]

    async def rotate_secret(self, organization: str | None, endpoint_id: UUID) -> str | None:
        """The new secret; the old one signs alongside it for the overlap."""
        secret = new_secret()
        done = await self.pool.fetchval(
            """UPDATE endpoints SET sealed_previous_secret = sealed_secret, sealed_secret = $3,
                   previous_secret_until = now() + make_interval(secs => $4)
               WHERE id = $1 AND ($2::text IS NULL OR organization = $2) RETURNING true""",
            endpoint_id,
            organization,
            self.box.seal(endpoint_id, secret),
            self.overlap_hours * 3600,
        )
        return secret if done else None

    async def set_enabled(
        self, organization: str | None, endpoint_id: UUID, enabled: bool
    ) -> dict[str, Any] | None:
        reason = None if enabled else "disabled by request"
        row = await self.pool.fetchrow(
            f"""UPDATE endpoints SET enabled = $3, disabled_reason = $4
                WHERE id = $1 AND ($2::text IS NULL OR organization = $2) RETURNING {COLUMNS}""",
            endpoint_id,
            organization,
            enabled,
            reason,
        )
        return dict(row) if row else None

    async def delete(self, organization: str | None, endpoint_id: UUID) -> bool:
        done = await self.pool.fetchval(
            """DELETE FROM endpoints WHERE id = $1 AND ($2::text IS NULL OR organization = $2)
               RETURNING true""",
            endpoint_id,
            organization,
        )
        return bool(done)
