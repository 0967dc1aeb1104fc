"""The dependency aliases sessions's routes take: the runtime typed by sessions's application."""

from shared.http.service_app import RuntimeOf
from services.sessions.application import SessionsApplication

Runtime = RuntimeOf[SessionsApplication]
