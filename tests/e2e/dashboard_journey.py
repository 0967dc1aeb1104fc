"""A relationship driven through the real APIs one step at a time, so a browser test can
look at the page between steps: enrol, request, both accept, agreement, a session held."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tests.support.api_client import Caller, eventually, once_started, profile, starting_soon, token


def _in(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


class RelationshipDriver:
    """An acme mentee and a globex mentor in one program."""

    def __init__(self, settings: Any, services: dict[str, Any], program: str) -> None:
        self.settings, self.services, self.program = settings, services, program
        self.mentee: UUID | None = None
        self.mentor: UUID | None = None
        self.relationship: str | None = None

    def _as(self, service: str, org: str, participant: UUID | None = None) -> Caller:
        role = "participant" if participant else "partner"
        return Caller(self.services[service].url, token(self.settings, org, role, participant))

    def _enrol(self, org: str, roles: str, offers: str, wants: str) -> UUID:
        enrolled = self._as("intake", org).post(
            "/v1/participants",
            {
                "program_id": self.program,
                "name": f"{org} {roles}",
                "consent_given": True,
                "contact_email": f"{org}.{roles}.dashboard@example.com",
                "profile": profile(roles, [(offers, "expert")], [wants], 10, org),
            },
        )
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    def enrol_and_request(self) -> None:
        self.mentee = self._enrol("acme", "mentee", "data analysis", "public speaking")
        self.mentor = self._enrol("globex", "mentor", "public speaking", "data analysis")
        request = self._as("intake", "acme").post(
            "/v1/requests",
            {
                "program_id": self.program,
                "mentee_id": str(self.mentee),
                "goals": [{"topic": "public speaking", "outcome": "give a keynote"}],
                "meeting_modes": ["video"],
            },
        )
        assert request.status_code == 201, request.text
        self.relationship = request.json()["id"]

    def both_accept(self) -> None:
        as_mentee = self._as("matching", "acme", self.mentee)
        proposal = eventually(
            lambda: as_mentee.get("/v1/matches", params={"request": self.relationship}).json()[
                "items"
            ],
            what="a proposal",
        )[0]
        assert as_mentee.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
        as_mentor = self._as("matching", "globex", self.mentor)
        assert as_mentor.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200

    @property
    def _base(self) -> str:
        return f"/v1/relationships/{self.relationship}"

    def agree(self) -> None:
        mentee = self._as("sessions", "acme", self.mentee)
        mentor = self._as("sessions", "globex", self.mentor)
        eventually(lambda: mentee.get(self._base).status_code == 200, what="the relationship")
        proposed = mentee.post(
            f"{self._base}/agreement",
            {
                "goals": {
                    str(self.mentee): [{"topic": "public speaking", "outcome": "give a keynote"}]
                },
                "end_date": (datetime.now(UTC) + timedelta(weeks=12)).date().isoformat(),
                "cadence_days": 7,
                "logistics": {"meeting_mode": "video", "channel_or_place": "video room"},
            },
        )
        assert proposed.status_code == 200, proposed.text
        for party in (mentee, mentor):
            signed = party.post(f"{self._base}/agreement/sign", {"version": 1})
            assert signed.status_code == 200, signed.text
        for party in (mentee, mentor):
            acknowledged = party.post(f"{self._base}/ground-rules/acknowledge")
            assert acknowledged.status_code == 200, acknowledged.text

    def hold_a_session(self) -> None:
        mentee = self._as("sessions", "acme", self.mentee)
        mentor = self._as("sessions", "globex", self.mentor)
        scheduled = mentee.post(
            f"{self._base}/sessions", {"starts_at": starting_soon(), "minutes": 60, "mode": "video"}
        )
        assert scheduled.status_code == 200, scheduled.text
        session_id = next(iter(scheduled.json()["sessions"]))
        held = once_started(lambda: mentor.post(
            f"{self._base}/sessions/{session_id}/held",
            {"minutes": 50, "goals_touched": [0], "learned": {str(self.mentee): ["a story"]}},
        ))
        assert held.status_code == 200, held.text

    def check_in(self) -> None:
        mentee = self._as("sessions", "acme", self.mentee)
        recorded = mentee.post(f"{self._base}/check-ins", {"fit": 5, "progress": 4})
        assert recorded.status_code == 200, recorded.text
