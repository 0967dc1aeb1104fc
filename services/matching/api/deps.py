"""The dependency aliases matching's routes take: its application typed by its use cases, and
the shared parts (shared/http/route_deps.py)."""

from shared.http.route_deps import AppOf, Pool, SealingVault, ToPublic
from services.matching.application import MatchingApplication

App = AppOf[MatchingApplication]

__all__ = ["App", "Pool", "SealingVault", "ToPublic"]
