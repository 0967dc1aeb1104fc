"""Sessions' HTTP API on a relationship seeded straight into its event store."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from services.sessions.domain.relationship import Relationship
from services.sessions.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import once_started, starting_soon, token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "sessions", build) as (client, settings):
        yield client, settings


def active_relationship(client, settings):  # noqa: ANN001
    app = client.app.state.runtime.app
    mentee, mentor, now = uuid4(), uuid4(), datetime.now(UTC)
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(mentee), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(mentor), "role": "mentor", "organization_id": "globex"}],
        goals=[{"topic": "speaking", "outcome": "keynote"}], cadence_days=7, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=now)
    version = relationship.propose_agreement(mentee, {"end_date": "2027-01-01"}, now)
    for person in (mentee, mentor):
        relationship.sign_agreement(person, version, now)
        relationship.acknowledge_ground_rules(person, now)
    app.save(relationship)

    def as_(person, organization):  # noqa: ANN001, ANN202
        # A participant token carries the person's own organization.
        return {"authorization": f"Bearer {token(settings, organization, 'participant', person)}"}

    return f"/v1/relationships/{relationship.id}", as_(mentee, "acme"), as_(mentor, "globex")


def test_sessions_are_scheduled_rescheduled_cancelled_late_and_missed(api):
    client, settings = api
    base, mentee, mentor = active_relationship(client, settings)
    soon = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    scheduled = client.post(f"{base}/sessions", headers=mentee, json={"starts_at": soon, "minutes": 45,
                                                                      "mode": "video"})
    assert scheduled.status_code == 200, scheduled.text
    session = next(iter(scheduled.json()["sessions"]))
    later = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    moved = client.post(f"{base}/sessions/{session}/reschedule", headers=mentor, json={"starts_at": later})
    assert moved.json()["sessions"][session]["starts_at"].startswith(later[:16])
    cancelled = client.post(f"{base}/sessions/{session}/cancel", headers=mentor).json()
    assert cancelled["sessions"][session]["state"] == "cancelled" and cancelled["sessions"][session]["late"] is True
    again = client.post(f"{base}/sessions/{session}/cancel", headers=mentor)
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    not_yet = client.post(f"{base}/sessions", headers=mentee, json={
        "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(), "minutes": 45, "mode": "video"})
    other = next(s for s in not_yet.json()["sessions"] if s != session)
    early = client.post(f"{base}/sessions/{other}/missed", headers=mentee, json={"missed_by": [str(uuid4())]})
    assert early.status_code == 409 and early.json()["type"].endswith("/session-not-started")
    held_early = client.post(f"{base}/sessions/{other}/held", headers=mentor, json={"minutes": 45})
    assert held_early.status_code == 409 and held_early.json()["type"].endswith("/session-not-started")


def test_pause_resume_and_ending_for_no_fit_over_http(api):
    client, settings = api
    base, mentee, mentor = active_relationship(client, settings)
    assert client.post(f"{base}/pause", headers=mentee, json={"reason": "exams"}).json()["status"] == "paused"
    assert client.post(f"{base}/resume", headers=mentor).json()["status"] == "active"
    too_early = client.post(f"{base}/pairing-fit", headers=mentee, json={"answer": "not_a_good_fit"})
    assert too_early.status_code == 409 and too_early.json()["type"].endswith("/too-early-for-fit")
    session = next(iter(client.post(f"{base}/sessions", headers=mentee, json={
        "starts_at": starting_soon(), "minutes": 30, "mode": "video"}).json()["sessions"]))
    held = once_started(lambda: client.post(f"{base}/sessions/{session}/held", headers=mentor, json={"minutes": 30}))
    assert held.status_code == 200, held.text
    client.post(f"{base}/pairing-fit", headers=mentee, json={"answer": "not_a_good_fit"})
    ended = client.post(f"{base}/end-for-no-fit", headers=mentor, json={"rematch": True})
    assert ended.status_code == 200 and ended.json()["outcome"] == "no_fit"


def test_bad_input_names_the_field_and_changes_nothing(api):
    client, settings = api
    base, mentee, _ = active_relationship(client, settings)
    before = client.get(base, headers=mentee).json()["version"]
    response = client.post(f"{base}/check-ins", headers=mentee, json={"fit": 9, "progress": "lots"})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert {e["field"] for e in response.json()["errors"]} == {"body.fit", "body.progress"}
    assert client.get(base, headers=mentee).json()["version"] == before


def test_a_check_in_comment_is_private_to_its_author(api):
    client, settings = api
    base, mentee, mentor = active_relationship(client, settings)
    client.post(f"{base}/check-ins", headers=mentee, json={"fit": 4, "progress": 3, "comment": "feeling stuck"})
    mine = client.get(f"{base}/timeline", headers=mentee).json()["entries"]
    theirs = client.get(f"{base}/timeline", headers=mentor).json()["entries"]
    assert "feeling stuck" in [e.get("private") for e in mine]
    assert "feeling stuck" not in str(theirs)
    assert "feeling stuck" not in str(client.get(base, headers=mentor).json())


def test_an_unknown_relationship_is_404(api):
    client, settings = api
    reader = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
    assert client.get(f"/v1/relationships/{uuid4()}", headers=reader).status_code == 404
    assert client.get(f"/v1/relationships/{uuid4()}/timeline", headers=reader).status_code == 404


def test_a_participant_token_signed_for_another_organization_is_not_that_party(api):
    client, settings = api
    base, _, mentor = active_relationship(client, settings)
    assert client.get(base, headers=mentor).status_code == 200
    mentor_id = jwt_subject_participant(mentor)
    impostor = {"authorization": f"Bearer {token(settings, 'acme', 'participant', mentor_id)}"}
    assert client.get(base, headers=impostor).status_code == 404


def jwt_subject_participant(headers: dict) -> str:
    import jwt

    return jwt.decode(headers["authorization"].split()[1], options={"verify_signature": False})["participant_id"]


def test_a_reader_whose_key_was_erased_still_gets_the_timeline_without_the_text(api):
    client, settings = api
    base, mentee, _ = active_relationship(client, settings)
    client.post(f"{base}/check-ins", headers=mentee, json={"fit": 4, "progress": 3, "comment": "feeling stuck"})
    mentee_id = UUID(jwt_subject_participant(mentee))
    client.portal.call(client.app.state.runtime.vault.erase, mentee_id)
    answer = client.get(f"{base}/timeline", headers=mentee)
    assert answer.status_code == 200, answer.text
    assert "feeling stuck" not in answer.text
    assert any(entry.get("private_erased") for entry in answer.json()["entries"])


def test_nothing_new_is_sealed_for_an_erased_person_whose_token_still_works(api):
    client, settings = api
    base, mentee, _ = active_relationship(client, settings)
    mentee_id = UUID(jwt_subject_participant(mentee))
    vault = client.app.state.runtime.vault
    client.portal.call(vault.erase, mentee_id)
    refused = client.post(f"{base}/check-ins", headers=mentee, json={"fit": 4, "progress": 3, "comment": "again"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/participant-erased")
    keys = client.portal.call(client.app.state.runtime.pool.fetchval,
                              "SELECT count(*) FROM subject_keys WHERE subject_id = $1", mentee_id)
    assert keys == 0, "no key was minted for them again"
