"""The dependency aliases matching's routes take: the runtime typed by matching's application."""

from shared.http.service_app import RuntimeOf
from services.matching.application import MatchingApplication

Runtime = RuntimeOf[MatchingApplication]
