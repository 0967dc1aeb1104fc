"""Sessions refuses at its HTTP boundary what would break it later: text PostgreSQL
cannot hold, moments without a time zone (they cannot be compared with ours), dates
so far away that timer arithmetic overflows, time zones that do not exist.
Each is a 422 naming the field, and the relationship is unchanged."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.sessions.domain.relationship import Relationship
from services.sessions.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
NUL = "\u0000"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "sessions", build) as (client, settings):
        yield client, settings


def seeded(client, settings, active: bool):  # noqa: ANN001, ANN201
    app = client.app.state.runtime.app
    mentee, mentor, now = uuid4(), uuid4(), datetime.now(UTC)
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(mentee), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(mentor), "role": "mentor", "organization_id": "globex"}],
        goals=[{"topic": "speaking", "outcome": "keynote"}], cadence_days=7, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=now)
    if active:
        version = relationship.propose_agreement(mentee, {"end_date": (now + timedelta(days=90)).date().isoformat()},
                                                 now)
        for person in (mentee, mentor):
            relationship.sign_agreement(person, version, now)
            relationship.acknowledge_ground_rules(person, now)
    app.save(relationship)

    def as_(person, organization):  # noqa: ANN001, ANN202
        return {"authorization": f"Bearer {token(settings, organization, 'participant', person)}"}

    return f"/v1/relationships/{relationship.id}", mentee, as_(mentee, "acme"), as_(mentor, "globex")


@pytest.fixture
def forming(api):
    return seeded(*api, active=False)


@pytest.fixture
def active(api):
    return seeded(*api, active=True)


def refused(response, field: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, fields


def terms(mentee, **changes) -> dict:  # noqa: ANN001, ANN003
    return {"goals": {str(mentee): [{"topic": "speaking", "outcome": "keynote"}]},
            "end_date": (date.today() + timedelta(days=180)).isoformat(), "cadence_days": 14,
            "logistics": {"meeting_mode": "video", "time_zones": ["Europe/Paris"]}, **changes}


@pytest.mark.parametrize("end_date", ["9999-12-31", (date.today() + timedelta(days=6 * 366)).isoformat(),
                                      (date.today() - timedelta(days=3)).isoformat()])
def test_an_agreement_end_date_far_away_or_past_is_a_422(api, forming, end_date):
    client, _ = api
    base, mentee, as_mentee, _ = forming
    refused(client.post(f"{base}/agreement", headers=as_mentee, json=terms(mentee, end_date=end_date)),
            "body.end_date")
    assert client.get(base, headers=as_mentee).json()["agreements"] == [], "nothing was proposed"


def test_an_agreement_a_year_away_is_proposed_signed_and_in_force(api, forming):
    client, _ = api
    base, mentee, as_mentee, as_mentor = forming
    end = (date.today() + timedelta(days=365)).isoformat()
    proposed = client.post(f"{base}/agreement", headers=as_mentee, json=terms(mentee, end_date=end))
    assert proposed.status_code == 200, proposed.text
    for who in (as_mentee, as_mentor):
        signed = client.post(f"{base}/agreement/sign", headers=who, json={"version": 1})
        assert signed.status_code == 200, signed.text
    assert signed.json()["end_date"] == end


@pytest.mark.parametrize(("changes", "field"), [
    ({"logistics": {"meeting_mode": "video", "time_zones": ["Mars/Olympus"]}}, "body.logistics.time_zones.0"),
    ({"logistics": {"meeting_mode": "video", "channel_or_place": f"zoom{NUL}"}}, "body.logistics.channel_or_place"),
    ({"logistics": {"meeting_mode": "video", "regular_slot": f"{NUL}"}}, "body.logistics.regular_slot"),
])
def test_agreement_logistics_with_an_unknown_zone_or_nul_are_a_422(api, forming, changes, field):
    client, _ = api
    base, mentee, as_mentee, _ = forming
    refused(client.post(f"{base}/agreement", headers=as_mentee, json=terms(mentee, **changes)), field)


def test_an_agreement_goal_with_nul_is_a_422(api, forming):
    client, _ = api
    base, mentee, as_mentee, _ = forming
    goals = {str(mentee): [{"topic": "speaking", "outcome": f"key{NUL}note"}]}
    refused(client.post(f"{base}/agreement", headers=as_mentee, json=terms(mentee, goals=goals)),
            f"body.goals.{mentee}.0.outcome")


def test_a_ground_rule_with_nul_is_a_422(api, forming):
    client, _ = api
    base, _, as_mentee, _ = forming
    refused(client.post(f"{base}/ground-rules", headers=as_mentee, json={"rule": f"phones{NUL} away"}), "body.rule")


def in_hours(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


@pytest.mark.parametrize(("body", "field"), [
    ({"starts_at": in_hours(3).replace(tzinfo=None).isoformat(), "minutes": 45, "mode": "video"}, "body.starts_at"),
    ({"starts_at": "9999-12-31T23:00:00+00:00", "minutes": 480, "mode": "video"}, "body.starts_at"),
    ({"starts_at": in_hours(3).isoformat(), "minutes": 45, "mode": "video", "agenda": f"intro{NUL}"},
     "body.agenda"),
])
def test_a_session_naive_far_away_or_with_nul_is_a_422(api, active, body, field):
    client, _ = api
    base, _, as_mentee, _ = active
    refused(client.post(f"{base}/sessions", headers=as_mentee, json=body), field)
    assert client.get(base, headers=as_mentee).json()["sessions"] == {}, "nothing was scheduled"


def test_a_reschedule_to_a_naive_moment_is_a_422(api, active):
    client, _ = api
    base, _, as_mentee, as_mentor = active
    scheduled = client.post(f"{base}/sessions", headers=as_mentee, json={
        "starts_at": in_hours(30).isoformat(), "minutes": 45, "mode": "video"})
    assert scheduled.status_code == 200, scheduled.text
    session = next(iter(scheduled.json()["sessions"]))
    naive = in_hours(40).replace(tzinfo=None).isoformat()
    refused(client.post(f"{base}/sessions/{session}/reschedule", headers=as_mentor, json={"starts_at": naive}),
            "body.starts_at")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/pause", {"reason": f"exams{NUL}"}, "body.reason"),
    ("/close", {"outcome": "ended_early", "reason": f"{NUL}"}, "body.reason"),
    ("/reflection", {"text": f"grew{NUL}"}, "body.text"),
    ("/reflection", {"text": "grew", "goal_outcomes": {f"0{NUL}": "met"}}, "body.goal_outcomes"),
    ("/check-ins", {"fit": 4, "progress": 3, "comment": f"fine{NUL}"}, "body.comment"),
])
def test_relationship_texts_with_nul_are_a_422(api, active, path, body, field):
    client, _ = api
    base, _, as_mentee, _ = active
    response = client.post(f"{base}{path}", headers=as_mentee, json=body)
    assert response.status_code == 422, response.text
    assert any(error["field"].startswith(field) for error in response.json()["errors"]), response.text


def test_session_notes_and_learned_labels_with_nul_are_a_422(api, active):
    client, _ = api
    base, mentee, as_mentee, _ = active
    session = str(uuid4())
    refused(client.post(f"{base}/sessions/{session}/notes", headers=as_mentee, json={"text": f"n{NUL}"}),
            "body.text")
    response = client.post(f"{base}/sessions/{session}/held", headers=as_mentee,
                           json={"minutes": 30, "learned": {str(mentee): [f"sql{NUL}"]}})
    refused(response, f"body.learned.{mentee}.0")


def test_a_timeline_as_of_a_naive_moment_is_a_422(api, active):
    client, _ = api
    base, _, as_mentee, _ = active
    response = client.get(f"{base}/timeline", headers=as_mentee,
                          params={"as_of": datetime.now(UTC).replace(tzinfo=None).isoformat()})
    refused(response, "query.as_of")
    aware = client.get(f"{base}/timeline", headers=as_mentee, params={"as_of": datetime.now(UTC).isoformat()})
    assert aware.status_code == 200, aware.text


def test_a_relationship_list_filter_with_nul_is_a_4xx_not_a_500(api, active):
    client, _ = api
    _, _, as_mentee, _ = active
    response = client.get("/v1/relationships", headers=as_mentee, params={"status": f"active{NUL}"})
    assert response.status_code in (400, 422), response.text
    assert "query.status" in [error["field"] for error in response.json()["errors"]]
