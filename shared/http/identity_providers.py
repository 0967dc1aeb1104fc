"""Tokens from a partner's own identity provider: RS256 / ES256 JWTs verified against the
provider's JWKS, besides the project's own HS256 tokens.

Which issuers are trusted, and for which organization each speaks, is configuration
(`TRUSTED_ISSUERS`): a provider can only ever sign for its own organization, whatever
`org` its token claims, and never grants the operator role. Keys are fetched from the
JWKS URL and kept; a token naming a `kid` not yet seen triggers a refetch (the
provider rotated its keys), at most once a second per provider and once per
REFETCH_SECONDS per unseen kid, so a stream of forged kids cannot turn us into a load
generator against the provider.
"""

import asyncio
import time
from typing import Any

import httpx
import jwt
from pydantic import BaseModel, ConfigDict, Field

from shared.http.problems import Problem

ALGORITHMS = ["RS256", "ES256"]
KEYS_KEPT_SECONDS = 600.0
REFETCH_SECONDS = 30.0
MIN_FETCH_GAP_SECONDS = 1.0
MISSES_REMEMBERED = 1000
FETCH_TIMEOUT_SECONDS = 5.0


class TrustedIssuer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jwks_url: str = Field(pattern=r"^https?://", description="where the provider publishes its keys")
    organization: str = Field(min_length=1, max_length=200, description="the only organization it speaks for")


class KeySet:
    """One provider's keys by kid, refreshed when stale or when an unseen kid arrives."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: dict[str, Any] = {}
        self._fetched_at = -float("inf")
        self._tried_at = -float("inf")
        self._missed: dict[str | None, float] = {}  # unseen kid -> when we last refetched for it
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> Any:
        if kid in self._keys and time.monotonic() - self._fetched_at < KEYS_KEPT_SECONDS:
            return self._keys[kid]
        async with self._lock:
            if self._worth_fetching(kid):
                await self._fetch(kid)
        if kid not in self._keys:
            raise Problem(401, "not-authenticated", "invalid bearer token: its key is not published by its issuer")
        return self._keys[kid]

    def _worth_fetching(self, kid: str | None) -> bool:
        now = time.monotonic()
        if now - self._tried_at < MIN_FETCH_GAP_SECONDS:
            return False
        if now - self._fetched_at >= KEYS_KEPT_SECONDS:
            return True
        if kid in self._keys:
            return False
        return now - self._missed.get(kid, -float("inf")) >= REFETCH_SECONDS

    async def _fetch(self, kid: str | None) -> None:
        self._tried_at = time.monotonic()
        if len(self._missed) >= MISSES_REMEMBERED:
            self._missed.clear()
        self._missed[kid] = self._tried_at
        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
                answer = await client.get(self.url)
                answer.raise_for_status()
                published = jwt.PyJWKSet.from_dict(answer.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as error:
            if self._keys:  # keep verifying with the keys we have while the provider is away
                return
            raise Problem(503, "identity-provider-unavailable",
                          "the token's identity provider cannot be reached to verify it; retry shortly") from error
        self._keys = {key.key_id: key for key in published.keys if key.key_id}
        self._fetched_at = time.monotonic()


_key_sets: dict[str, KeySet] = {}


def key_set(url: str) -> KeySet:
    if url not in _key_sets:
        _key_sets[url] = KeySet(url)
    return _key_sets[url]


def unverified_issuer(token: str) -> str | None:
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return issuer if isinstance(issuer, str) else None


async def verified_claims(token: str, issuer_name: str, issuer: TrustedIssuer, audience: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Problem(401, "not-authenticated", f"invalid bearer token: {error}") from error
    if header.get("alg") not in ALGORITHMS:
        raise Problem(401, "not-authenticated", f"invalid bearer token: a provider's token is signed with one of "
                                                f"{', '.join(ALGORITHMS)}")
    key = await key_set(issuer.jwks_url).key(header.get("kid"))
    try:
        claims = jwt.decode(token, key, algorithms=ALGORITHMS, audience=audience, issuer=issuer_name,
                            options={"require": ["sub", "roles", "exp"]})
    except jwt.PyJWTError as error:
        raise Problem(401, "not-authenticated", f"invalid bearer token: {error}") from error
    claimed = claims.get("org", issuer.organization)
    if claimed != issuer.organization:
        raise Problem(401, "not-authenticated", "invalid bearer token: its issuer does not speak for that org")
    roles = claims["roles"]
    if isinstance(roles, list) and "operator" in roles:
        raise Problem(401, "not-authenticated", "invalid bearer token: a partner's provider cannot grant operator")
    return {**claims, "org": issuer.organization}
