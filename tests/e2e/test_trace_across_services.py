"""One trace from a person's HTTP call to what other services do because of it: the
W3C trace id of the accept that confirmed a match reaches the relationship sessions
started from it, through matching's relay, Kafka and sessions' consumer."""

import asyncio
import json

import pytest

from mentoring_cli.topics import read_to_end
from tests.e2e.test_durable_timers import enrol_pair_and_request
from tests.support.api_client import Caller, eventually, token

pytestmark = pytest.mark.e2e
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


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
