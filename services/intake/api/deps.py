"""The dependency aliases intake's routes take: its application typed by its use cases, and
the shared parts (shared/http/route_deps.py)."""

from shared.http.route_deps import AppOf, Pool, SealingVault, ToPublic
from services.intake.application import IntakeApplication

App = AppOf[IntakeApplication]

__all__ = ["App", "Pool", "SealingVault", "ToPublic"]
