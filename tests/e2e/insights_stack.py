"""The three services and insights as processes on fresh databases and topics, and a
relationship driven through the real APIs for insights to see."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tests.support.api_client import Caller, eventually, profile, token

STAND_IN_APP = "tests.support.insights_stand_in_app:create_app"
STREAM_ENV = {"STREAM_HEARTBEAT_SECONDS": "0.5", "STREAM_RETRY_MS": "250"}


@dataclass
class Journey:
    started_at: datetime
    programs: dict[str, str]
    people: dict[str, UUID]
    relationship: str


def drive_a_relationship(settings: Any, services: dict[str, Any]) -> Journey:
    """Program A (acme + globex): an acme mentee and a globex mentor, a request both
    accept, the relationship started and an agreement proposed. Program B (initech): one
    enrolment, so that two organizations' events sit side by side."""
    started_at = datetime.now(UTC)
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    partners = {
        org: Caller(services["intake"].url, token(settings, org, "partner"))
        for org in ("acme", "globex", "initech")
    }
    programs = {}
    for name, organizations in (("A", ["acme", "globex"]), ("B", ["initech"])):
        opened = operator.post(
            "/v1/programs",
            {"name": f"Insights {name}", "formats": ["one_to_one"], "organizations": organizations},
        )
        assert opened.status_code == 201, opened.text
        programs[name] = opened.json()["id"]

    def enrol(org: str, program: str, roles: str, offers: str, wants: str) -> UUID:
        enrolled = partners[org].post(
            "/v1/participants",
            {
                "program_id": program,
                "name": f"{org} {roles}",
                "consent_given": True,
                "contact_email": f"{org}.{roles}.insights@example.com",
                "profile": profile(roles, [(offers, "expert")], [wants], 10, org),
            },
        )
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    people = {
        "mentee": enrol("acme", programs["A"], "mentee", "data analysis", "public speaking"),
        "mentor": enrol("globex", programs["A"], "mentor", "public speaking", "data analysis"),
        "initech": enrol("initech", programs["B"], "mentee", "budgets", "hiring"),
    }
    request = partners["acme"].post(
        "/v1/requests",
        {
            "program_id": programs["A"],
            "mentee_id": str(people["mentee"]),
            "goals": [{"topic": "public speaking", "outcome": "give a keynote"}],
            "meeting_modes": ["video"],
        },
    )
    assert request.status_code == 201, request.text
    relationship = request.json()["id"]
    as_mentee = Caller(
        services["matching"].url, token(settings, "acme", "participant", people["mentee"])
    )
    as_mentor = Caller(
        services["matching"].url, token(settings, "globex", "participant", people["mentor"])
    )
    proposal = eventually(
        lambda: as_mentee.get("/v1/matches", params={"request": relationship}).json()["items"],
        what="a proposal",
    )[0]
    assert as_mentee.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
    assert as_mentor.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
    in_sessions = Caller(
        services["sessions"].url, token(settings, "acme", "participant", people["mentee"])
    )
    base = f"/v1/relationships/{relationship}"
    eventually(lambda: in_sessions.get(base).status_code == 200, what="the relationship to start")
    agreement = in_sessions.post(
        f"{base}/agreement",
        {
            "goals": {
                str(people["mentee"]): [{"topic": "public speaking", "outcome": "give a keynote"}]
            },
            "end_date": (datetime.now(UTC) + timedelta(weeks=12)).date().isoformat(),
            "cadence_days": 14,
            "logistics": {"meeting_mode": "video", "channel_or_place": "video room"},
        },
    )
    assert agreement.status_code == 200, agreement.text
    return Journey(started_at, programs, people, relationship)
