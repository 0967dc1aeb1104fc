"""The idempotency_keys table (migrations/shared/): who holds a key, and the answer it earned.

A claim is a lease. Its holder renews `claimed_at` while it works; a claim that
has not been renewed for a lease is abandoned (its request was killed) and one
retry may take it over. Each claim carries a token, so a holder that lost its
claim cannot overwrite or release the claim of the retry that took it over.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

@dataclass(frozen=True)
class Claims:
    pool: asyncpg.Pool
    lease_seconds: float

    async def claim(self, scope: str, key: str, fingerprint: str, token: UUID) -> bool:
        claimed = await self.pool.fetchval(
            """INSERT INTO idempotency_keys (scope, key, fingerprint, claim) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            scope, key, fingerprint, token,
        )
        return bool(claimed)

    async def take_over(self, scope: str, key: str, fingerprint: str, token: UUID) -> bool:
        # One statement, so of two retries racing for an abandoned claim only one matches:
        # the second waits for the first's row lock, then sees a fresh claimed_at.
        taken = await self.pool.fetchval(
            """UPDATE idempotency_keys SET claim = $4, claimed_at = now()
               WHERE scope = $1 AND key = $2 AND fingerprint = $3 AND status IS NULL
                 AND claimed_at < now() - make_interval(secs => $5)
               RETURNING true""",
            scope, key, fingerprint, token, self.lease_seconds,
        )
        return bool(taken)

    async def renew(self, scope: str, key: str, token: UUID) -> None:
        await self.pool.execute(
            "UPDATE idempotency_keys SET claimed_at = now() WHERE scope = $1 AND key = $2 AND claim = $3"
            " AND status IS NULL",
            scope, key, token,
        )

    async def remember(self, scope: str, key: str, token: UUID, status: int, headers: str, body: bytes) -> None:
        await self.pool.execute(
            """UPDATE idempotency_keys SET status = $4, headers = $5, body = $6
               WHERE scope = $1 AND key = $2 AND claim = $3""",
            scope, key, token, status, headers, body,
        )

    async def release(self, scope: str, key: str, token: UUID) -> None:
        await self.pool.execute(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND claim = $3", scope, key, token)

    async def read(self, scope: str, key: str) -> Any:
        return await self.pool.fetchrow(
            "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
            scope, key,
        )
