"""Bearer-token auth: who calls, for which partner organization, in which roles.

Tokens are JWTs with claims: `sub`, `org` (the tenant), `roles` (partner,
participant, operator, dashboard) and, for a participant, `participant_id`: HS256
signed by us (JWT_ISSUER), or RS256/ES256 from a partner's identity provider listed in
TRUSTED_ISSUERS (shared/http/identity_providers.py).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import jwt
from fastapi import Depends, Request

from shared.http.identity_providers import unverified_issuer, verified_claims
from shared.http.problems import Problem
from shared.http.verified_tokens import verified_tokens_for
from shared.settings import Settings

ROLES = frozenset({"partner", "participant", "operator", "dashboard"})
MAX_CLAIM_LENGTH = 200


@dataclass(frozen=True)
class Principal:
    subject: str
    tenant: str
    roles: frozenset[str]
    participant_id: UUID | None = None

    @property
    def is_operator(self) -> bool:
        return "operator" in self.roles

    @property
    def acts_only_for_self(self) -> bool:
        """A participant token without partner or operator rights: lists show only them."""
        return "participant" in self.roles and not self.roles & {"partner", "operator"}

    def acts_for(self, participant_id: UUID, tenant: str) -> bool:
        """Operators act for anyone, partners for their own people, a participant for self."""
        if self.is_operator:
            return True
        if "partner" in self.roles and tenant == self.tenant:
            return True
        return self.is_person(participant_id, tenant)

    def is_person(self, participant_id: UUID, organization_id: str | None) -> bool:
        """A participant token is that person only when its organization is theirs too:
        a participant id alone, signed for another organization, is not that person."""
        return "participant" in self.roles and self.participant_id == participant_id \
            and organization_id == self.tenant


def issue_token(
    settings: Settings,
    subject: str,
    tenant: str,
    roles: list[str],
    participant_id: UUID | None = None,
    lifetime: timedelta = timedelta(hours=12),
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": subject, "org": tenant, "roles": roles, "iat": now, "exp": now + lifetime,
        "aud": settings.jwt_audience, "iss": settings.jwt_issuer,
    }
    if participant_id:
        claims["participant_id"] = str(participant_id)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def principal_from_token(token: str, settings: Settings) -> Principal:
    return principal_from_claims(own_claims(token, settings))


def own_claims(token: str, settings: Settings) -> dict[str, Any]:
    try:
        return jwt.decode(
            token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"],
            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
            options={"require": ["sub", "org", "roles", "exp"]},
        )
    except jwt.PyJWTError as error:
        raise Problem(401, "not-authenticated", f"invalid bearer token: {error}") from error


async def authenticate(token: str, settings: Settings) -> Principal:
    """Our own tokens are checked without leaving the process; a trusted provider's
    against its published keys. A token checked a moment ago is not checked again
    (shared/http/verified_tokens.py)."""
    remembered = verified_tokens_for(settings)
    if (known := remembered.get(token)) is not None:
        return known
    claims = await _verified_claims(token, settings)
    principal = principal_from_claims(claims)
    remembered.remember(token, principal, float(claims["exp"]))
    return principal


async def _verified_claims(token: str, settings: Settings) -> dict[str, Any]:
    issuer = unverified_issuer(token)
    trusted = settings.trusted_issuers.get(issuer) if issuer and issuer != settings.jwt_issuer else None
    if issuer is None or trusted is None:  # trusted only when issuer is set
        return own_claims(token, settings)
    return await verified_claims(token, issuer, trusted, settings.jwt_audience)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """A signed token is still checked for shape: whoever holds the secret (a partner's
    token tool, an old issuer) may write a claim of the wrong type, and that is a bad
    token (401), not our failure (500)."""
    subject, tenant, roles = claims["sub"], claims["org"], claims["roles"]
    if not _is_name(subject):
        raise _bad_claim("sub", "a non-empty string")
    if not _is_name(tenant):
        raise _bad_claim("org", "a non-empty string")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise _bad_claim("roles", "a list of role names")
    known = frozenset(roles) & ROLES
    if not known:
        raise Problem(401, "not-authenticated", "token names no known role")
    participant = claims.get("participant_id")
    if participant is None or participant == "":
        return Principal(subject, tenant, known)
    try:
        participant_id = UUID(participant) if isinstance(participant, str) else None
    except ValueError:
        participant_id = None
    if participant_id is None:
        raise _bad_claim("participant_id", "a UUID")
    return Principal(subject, tenant, known, participant_id)


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_CLAIM_LENGTH and value.isprintable()


def _bad_claim(name: str, wanted: str) -> Problem:
    return Problem(401, "not-authenticated", f"invalid bearer token: the {name} claim must be {wanted}")


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "not-authenticated", "send Authorization: Bearer <token>")
    return token


async def current_principal(request: Request) -> Principal:
    # Async on purpose: a sync dependency costs a worker-thread hop per request, more than
    # the signature check itself (docs/performance.md). The app's own settings, not the
    # process-wide ones, so one process can serve apps with different secrets (tests).
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:  # a wiring bug: no process-wide settings to fall back to
        raise RuntimeError("this app has no runtime (app.state.runtime): its settings come from the runtime")
    return await authenticate(bearer_token(request), runtime.settings)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(principal: Principal, *roles: str) -> None:
    if not principal.roles & set(roles):
        raise Problem(403, "forbidden", f"this needs one of the roles: {', '.join(sorted(roles))}")
