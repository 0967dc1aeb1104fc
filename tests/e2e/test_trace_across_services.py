"""One trace from a person's HTTP call to what other services do because of it: the
W3C trace id of the accept that confirmed a match reaches the relationship sessions
started from it, through matching's relay, Kafka and sessions' consumer."""

import asyncio
import json

import pytest

from mentoring_cli.topics import read_to_end
from tests.e2e.test_durable_timers import enrol_pair_and_request
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
ASKED_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


def events_on(settings, service: str) -> list[dict]:  # noqa: ANN001
    async def read() -> list[dict]:
        return [json.loads(record.value) async for record in read_to_end(settings, settings.topic_for(service))]
    return asyncio.run(read())


def test_the_accept_that_confirms_a_match_and_the_relationship_it_starts_share_one_trace(stack):
    settings, services = stack["settings"], stack["services"]
    _, world = enrol_pair_and_request(stack)
    people = {role: Caller(services["matching"].url, token(settings, "acme", "participant", world[role]))
              for role in ("mentee", "mentor")}
    proposal = eventually(lambda: people["mentee"].get("/v1/matches", params={"request": world["request"]["id"]})
                          .json()["items"], what="a proposal")[0]
    assert people["mentee"].post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
    traced = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
    assert people["mentor"].post(f"/v1/matches/{proposal['id']}/accept", headers=traced).status_code == 200

    def started() -> dict | None:
        return next((event for event in events_on(settings, "sessions")
                     if ".RelationshipStarted." in event["type"] and event["relationship"] ==
                     world["request"]["id"]), None)

    relationship_started = eventually(started, what="RelationshipStarted on sessions' topic", timeout=60)
    confirmed = next(event for event in events_on(settings, "matching") if ".MatchConfirmed." in event["type"]
                     and event["data"]["proposal_id"] == proposal["id"])
    assert confirmed["traceparent"].split("-")[1] == TRACE_ID
    assert relationship_started["traceparent"].split("-")[1] == TRACE_ID
    assert relationship_started["causationid"] == confirmed["id"]



def test_the_proposal_matching_makes_for_a_partners_request_continues_the_trace_of_that_post(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    partner = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Traced ask", "formats": ["one_to_one"],
                                             "organizations": ["acme"]}).json()["id"]
    people = {}
    for role, offers, wants in (("mentee", [], ["pricing"]), ("mentor", [("pricing", "expert")], [])):
        enrolled = partner.post("/v1/participants", {
            "program_id": program, "name": role, "contact_email": f"{role}@example.com", "consent_given": True,
            "profile": profile(role, offers, wants, 9, "acme", department=role)})
        people[role] = enrolled.json()["id"]
    traced = {"traceparent": f"00-{ASKED_TRACE_ID}-00f067aa0ba902b7-01"}
    asked = partner.post("/v1/requests", {"program_id": program, "mentee_id": people["mentee"],
                                          "goals": [{"topic": "pricing", "outcome": "price a product"}],
                                          "meeting_modes": ["video"]}, headers=traced)
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]

    def proposed() -> dict | None:
        return next((event for event in events_on(settings, "matching") if ".MatchProposed." in event["type"]
                     and event["data"]["request_id"] == request_id), None)

    proposal = eventually(proposed, what="MatchProposed on matching's topic", timeout=60)
    requested = next(event for event in events_on(settings, "intake") if ".MentorshipRequested." in event["type"]
                     and event["data"]["request_id"] == request_id)
    assert requested["traceparent"].split("-")[1] == ASKED_TRACE_ID
    assert proposal.get("traceparent", "-").split("-")[1] == ASKED_TRACE_ID, "the trace stopped at the matchmaker"
    assert proposal["correlationid"] == requested["correlationid"]
