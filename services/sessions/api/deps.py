"""The dependency aliases sessions's routes take: its application typed by its use cases, and
the shared parts (shared/http/route_deps.py)."""

from shared.http.route_deps import AppOf, Pool, SealingVault, ToPublic
from services.sessions.application import SessionsApplication

App = AppOf[SessionsApplication]

__all__ = ["App", "Pool", "SealingVault", "ToPublic"]
