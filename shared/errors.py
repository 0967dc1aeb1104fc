"""Errors the domain raises; the HTTP layer turns each into an RFC 9457 problem.

Domain code raises these and knows nothing of HTTP. `kind` becomes the stable
problem `type` (https://mentoring.example/problems/<kind>), so clients can branch
on it without parsing prose.
"""


class DomainError(Exception):
    """Base for refusals that are the caller's fault, not the server's."""

    status = 400

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class RuleViolated(DomainError):
    """A business rule refuses the command in the aggregate's current state (409)."""

    status = 409


class NotPermitted(DomainError):
    """The caller is authenticated but may not do this (403)."""

    status = 403


class NotFound(DomainError):
    """No such thing, or not visible to this caller's organization (404)."""

    status = 404

    def __init__(self, what: str, ident: object) -> None:
        super().__init__("not-found", f"{what} {ident} was not found")


class ConcurrentWrite(DomainError):
    """Another writer changed the aggregate between our read and our save (409)."""

    status = 409

    def __init__(self) -> None:
        super().__init__("concurrent-write", "someone else changed this at the same moment; read it again and retry")
