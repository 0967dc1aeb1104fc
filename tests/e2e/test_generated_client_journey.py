"""The contract is usable: Python clients generated from docs/openapi/ by
openapi-python-client drive a partner's whole journey through the three services (as
processes, real Kafka and PostgreSQL): program, enrolment, request, both accept,
agreement and ground rules, a session held, close. No hand-written HTTP."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from tests.support.api_client import eventually, profile, token
from tests.support.generated_clients import generated_clients, operation

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    return generated_clients(tmp_path_factory.mktemp("generated-clients"))


def test_a_partner_journey_through_generated_clients_only(stack, clients):
    settings, services = stack["settings"], stack["services"]

    def client(service: str, bearer: str):
        return clients[service].AuthenticatedClient(base_url=services[service].url, token=bearer, timeout=30)

    def call(service: str, tag: str, name: str, who, *args, body=None, model: str | None = None, **kwargs):
        module = operation(clients, service, tag, name)
        if body is not None:
            kwargs["body"] = getattr(clients[service].models, model).from_dict(body)
        return module.sync_detailed(*args, client=who, **kwargs)

    operator = client("intake", token(settings, "ops", "operator"))
    partner = client("intake", token(settings, "acme", "partner"))
    opened = call("intake", "programs", "open_program", operator, model="ProgramSettings", idempotency_key=uuid4().hex,
                  body={"name": "Generated", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert opened.status_code == 201, opened.content
    program_id = opened.parsed.id

    people = {}
    for role, offers, wants, years in (("mentee", [], ["facilitation"], 3),
                                       ("mentor", [("facilitation", "expert")], [], 12)):
        enrolled = call("intake", "participants", "enrol", partner, model="Enrolment", body={
            "program_id": str(program_id), "name": role.title(), "contact_email": f"{role}.gen@example.com",
            "consent_given": True, "profile": profile(role, offers, wants, years, "acme", department=role)})
        assert enrolled.status_code == 201, enrolled.content
        people[role] = enrolled.parsed.id
    requested = call("intake", "requests", "request_mentorship", partner, model="NewRequest", body={
        "program_id": str(program_id), "mentee_id": str(people["mentee"]), "meeting_modes": ["video"],
        "goals": [{"topic": "facilitation", "outcome": "run a workshop"}]})
    assert requested.status_code == 201, requested.content
    relationship_id = requested.parsed.id

    as_person = {role: {service: client(service, token(settings, "acme", "participant", UUID(str(person))))
                        for service in ("matching", "sessions")} for role, person in people.items()}
    proposal = eventually(lambda: call("matching", "matches", "list_matches", as_person["mentee"]["matching"],
                                       request=relationship_id).parsed.items, what="a proposal")[0]
    for role in ("mentee", "mentor"):
        accepted = call("matching", "matches", "accept", as_person[role]["matching"], proposal.id)
        assert accepted.status_code == 200, accepted.content
    assert accepted.parsed.status == "confirmed"

    mentee, mentor = as_person["mentee"]["sessions"], as_person["mentor"]["sessions"]
    eventually(lambda: call("sessions", "relationships", "read_relationship", mentee, relationship_id).status_code
               == 200, what="the relationship in sessions")
    proposed = call("sessions", "agreement_and_ground_rules", "propose_agreement", mentee, relationship_id,
                    model="AgreementTerms", body={
                        "goals": {str(people["mentee"]): [{"topic": "facilitation", "outcome": "run a workshop"}]},
                        "end_date": (datetime.now(UTC) + timedelta(weeks=10)).date().isoformat(),
                        "cadence_days": 14, "logistics": {"meeting_mode": "video"}})
    assert proposed.status_code == 200, proposed.content
    for person in (mentee, mentor):
        signed = call("sessions", "agreement_and_ground_rules", "sign_agreement", person, relationship_id,
                      model="Signature", body={"version": 1})
        assert signed.status_code == 200, signed.content
    for person in (mentee, mentor):
        acknowledged = call("sessions", "agreement_and_ground_rules", "acknowledge", person, relationship_id)
        assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.parsed.status == "active"

    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    scheduled = call("sessions", "sessions_and_check_ins", "schedule", mentee, relationship_id, model="NewSession",
                     body={"starts_at": soon, "minutes": 45, "mode": "video"})
    assert scheduled.status_code == 200, scheduled.content
    session_id = next(iter(scheduled.parsed.sessions.to_dict()))
    # Held once its time has come: polled, not slept.
    held = eventually(lambda: (lambda answer: answer if answer.status_code == 200 else None)(call(
        "sessions", "sessions_and_check_ins", "held", mentor, relationship_id, UUID(session_id), model="Held",
        body={"minutes": 45, "goals_touched": [0], "learned": {}})), what="the session held")
    assert held.parsed.sessions.to_dict()[session_id]["state"] == "held"
    closed = call("sessions", "pause_and_close", "close", mentee, relationship_id, model="Close",
                  body={"outcome": "completed", "reason": "workshop run"})
    assert closed.status_code == 200, closed.content
    assert (closed.parsed.status, closed.parsed.outcome) == ("closed", "completed")
