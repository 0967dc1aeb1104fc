"""The dependency aliases intake's routes take: the runtime typed by intake's application."""

from shared.http.service_app import RuntimeOf
from services.intake.application import IntakeApplication

Runtime = RuntimeOf[IntakeApplication]
