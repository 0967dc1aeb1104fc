"""current_principal checks a token with the app's runtime's settings; an app without a
runtime is a wiring bug, refused loudly rather than served with process-wide settings."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.http.auth import CurrentPrincipal


def test_an_app_without_a_runtime_is_refused_loudly_rather_than_served_with_global_settings():
    app = FastAPI()

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject}

    with TestClient(app) as client, pytest.raises(RuntimeError, match="has no runtime"):
        client.get("/me", headers={"authorization": "Bearer anything"})
