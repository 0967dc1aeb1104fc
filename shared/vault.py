"""Per-person keys for personal and confidential text (crypto-shredding).

Events are immutable, so a person's contact details or private notes cannot be
deleted from the log. Instead each person's text is sealed with their own data key,
and erasure deletes the key: the ciphertext left in the log can never be read again.
Data keys are themselves sealed with the service's master key before storage, under
a key ring (shared/key_ring.py), so that the master key can rotate: `rewrap` re-seals
every data key under the current one. The tables (subject_keys, and erased_subjects so
that nothing is sealed for an erased person again) are made by the migrations
(migrations/shared/).
"""

import base64
import os
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.errors import RuleViolated
from shared.key_ring import KEY_MARK, KeyRing

ERASE_KEYS_IN_TRANSACTION = "DELETE FROM subject_keys WHERE subject_id = ANY(%s)"
REMEMBER_ERASED_IN_TRANSACTION = """INSERT INTO erased_subjects (subject_id) SELECT unnest(%s::uuid[])
ON CONFLICT DO NOTHING"""
NONCE_BYTES = 12


class Erased(RuleViolated):
    """The person's key was deleted: their sealed text is gone for good, and nothing
    new is sealed for them (409 when a request tries)."""

    def __init__(self, subject: str) -> None:
        super().__init__("participant-erased", f"participant {subject} was erased")


class Vault:
    def __init__(self, pool: asyncpg.Pool, master: KeyRing | str) -> None:
        self._pool = pool
        self._ring = master if isinstance(master, KeyRing) else KeyRing(master)

    async def seal(self, subject_id: UUID, plaintext: str) -> str:
        if await self._pool.fetchval("SELECT 1 FROM erased_subjects WHERE subject_id = $1", subject_id):
            raise Erased(str(subject_id))
        key = await self._key_for(subject_id, create=True)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), subject_id.bytes)
        return base64.b64encode(nonce + sealed).decode()

    async def open(self, subject_id: UUID, ciphertext: str) -> str:
        key = await self._key_for(subject_id, create=False)
        raw = base64.b64decode(ciphertext)
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], subject_id.bytes).decode()

    async def erase(self, subject_id: UUID) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "INSERT INTO erased_subjects (subject_id) VALUES ($1) ON CONFLICT DO NOTHING", subject_id)
            await connection.execute("DELETE FROM subject_keys WHERE subject_id = $1", subject_id)

    async def _key_for(self, subject_id: UUID, create: bool) -> bytes:
        sealed = await self._pool.fetchval("SELECT sealed_key FROM subject_keys WHERE subject_id = $1", subject_id)
        if sealed is None:
            if not create:
                raise Erased(str(subject_id))
            candidate = self._ring.seal(AESGCM.generate_key(bit_length=256), subject_id.bytes)
            # Two first seals racing for one person must end up with one key.
            await self._pool.execute(
                "INSERT INTO subject_keys (subject_id, sealed_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                subject_id, candidate,
            )
            sealed = await self._pool.fetchval("SELECT sealed_key FROM subject_keys WHERE subject_id = $1", subject_id)
        return self._unseal(bytes(sealed), subject_id)

    def _unseal(self, sealed: bytes, subject_id: UUID) -> bytes:
        if sealed.startswith(KEY_MARK):
            try:
                return self._ring.open(sealed, subject_id.bytes)
            except ValueError:
                pass  # an unmarked key whose nonce happens to begin with the mark
        # Sealed before key ids: nonce, then text and tag, under one of the ring's keys.
        for key in self._ring.keys.values():
            try:
                return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], subject_id.bytes)
            except InvalidTag:
                continue
        raise ValueError(f"the data key of {subject_id} is sealed with a key the ring does not hold")

    async def rewrap(self) -> int:
        """Re-seals every data key not yet under the current master key; how many it did."""
        done = 0
        async with self._pool.acquire() as connection:
            rows = await connection.fetch("SELECT subject_id, sealed_key FROM subject_keys")
            for row in rows:
                sealed = bytes(row["sealed_key"])
                if self._ring.is_current(sealed):
                    continue
                resealed = self._ring.seal(self._unseal(sealed, row["subject_id"]), row["subject_id"].bytes)
                # Only if unchanged meanwhile; an erasure in between deletes the row and wins.
                status = await connection.execute(
                    "UPDATE subject_keys SET sealed_key = $2 WHERE subject_id = $1 AND sealed_key = $3",
                    row["subject_id"], resealed, sealed)
                done += status.endswith(" 1")
        return done


def erase_in_transaction(cursor: Any, subject_ids: Sequence[UUID]) -> None:
    """Deletes keys with a caller's own (psycopg) cursor, so the erasure commits together
    with the record of what caused it, or not at all."""
    cursor.execute(REMEMBER_ERASED_IN_TRANSACTION, (list(subject_ids),))
    cursor.execute(ERASE_KEYS_IN_TRANSACTION, (list(subject_ids),))
