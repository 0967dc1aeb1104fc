"""A new request is proposed as soon as matching has projected it, not on the
matchmaker's next poll: the poll here is ten minutes, longer than the test may wait."""

from uuid import uuid4

import pytest

from tests.support.api_client import Caller, eventually, profile, token
from tests.support.processes import running_services
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.e2e

POLL_LONGER_THAN_THE_TEST = "600"


@pytest.fixture(scope="module")
def slow_polling_stack(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {name: f"wake_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"wake{suffix}"})
    env = {"TOPIC_NAMESPACE": settings.topic_namespace, "TIMER_POLL_SECONDS": POLL_LONGER_THAN_THE_TEST}
    try:
        with running_services(settings, databases, tmp_path_factory.mktemp("wake-logs"), env) as services:
            yield settings, services
    finally:
        for database in databases.values():
            drop_database_sync(server_settings, database)


def test_a_request_is_proposed_without_waiting_for_the_matchmakers_poll(slow_polling_stack):
    settings, services = slow_polling_stack
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    matching = Caller(services["matching"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Prompt", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(name, person_profile):
        enrolled = acme.post("/v1/participants", {
            "program_id": program_id, "name": name, "contact_email": f"{name.lower()}@example.com",
            "consent_given": True, "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return enrolled.json()["id"]

    mentor = enrol("Grace", profile("mentor", [("public speaking", "expert")], ["python"], 15, "acme"))
    # The matchmaker's first tick, at start, has passed: only a wake can take the request now.
    eventually(lambda: matching.get(f"/v1/mentors/{mentor}/capacity").status_code == 200,
               what="matching to know the mentor")
    mentee = enrol("Ada", profile("mentee", [("python", "expert")], ["public speaking"], 3, "acme"))
    request = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": mentee,
                                         "goals": [{"topic": "public speaking", "outcome": "give a keynote"}],
                                         "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text

    proposed = eventually(
        lambda: matching.get("/v1/matches", params={"request": request.json()["id"]}).json()["items"],
        timeout=30, what="a proposal well before the next poll")
    assert proposed[0]["mentor_id"] == mentor
