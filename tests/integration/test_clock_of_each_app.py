"""Two sessions apps in one process, one on time and one a day ahead by its settings'
CLOCK_OFFSET_SECONDS: each route reads its own app's clock (issue 13), both in the use
case (a session an hour away is in the past for the app a day ahead) and in the body's
validation (a moment just past the 5-year bound is within it for the app a day ahead)."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.sessions.domain.relationship import Relationship
from services.sessions.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration
DAY = 24 * 3600


@pytest.fixture(scope="module")
def apps(server_settings):
    with service_client(server_settings, "sessions", build) as on_time, \
            service_client(server_settings.model_copy(update={"clock_offset_seconds": DAY}), "sessions",
                           build) as a_day_ahead:
        yield on_time, a_day_ahead


def active_relationship(client, settings):  # noqa: ANN001, ANN201
    mentee, mentor, now = uuid4(), uuid4(), datetime.now(UTC)
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(mentee), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(mentor), "role": "mentor", "organization_id": "globex"}],
        goals=[{"topic": "speaking", "outcome": "keynote"}], cadence_days=7, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=now)
    version = relationship.propose_agreement(mentee, {"end_date": (now + timedelta(days=90)).date().isoformat()},
                                             now)
    for person in (mentee, mentor):
        relationship.sign_agreement(person, version, now)
        relationship.acknowledge_ground_rules(person, now)
    client.app.state.runtime.app.save(relationship)
    bearer = {"authorization": f"Bearer {token(settings, 'acme', 'participant', mentee)}"}
    return f"/v1/relationships/{relationship.id}/sessions", bearer


def schedule(app, starts_at: datetime):  # noqa: ANN001, ANN201
    client, settings = app
    path, bearer = active_relationship(client, settings)
    return client.post(path, headers=bearer, json={"starts_at": starts_at.isoformat(), "minutes": 60,
                                                   "mode": "video"})


def test_a_session_an_hour_away_is_in_the_past_only_for_the_app_a_day_ahead(apps):
    on_time, a_day_ahead = apps
    in_an_hour = datetime.now(UTC) + timedelta(hours=1)
    assert schedule(on_time, in_an_hour).status_code == 200
    refused = schedule(a_day_ahead, in_an_hour)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/session-in-the-past")


def test_a_moment_just_past_the_bound_is_refused_only_by_the_app_on_time(apps):
    on_time, a_day_ahead = apps
    just_past = datetime.now(UTC) + timedelta(days=365 * 5 + 1, hours=12)
    refused = schedule(on_time, just_past)
    assert refused.status_code == 422, refused.text
    assert "starts_at" in refused.text
    assert schedule(a_day_ahead, just_past).status_code == 200
