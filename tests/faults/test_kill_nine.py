"""Intake killed with SIGKILL twice while a client drives 150 commands, each retried with
its own Idempotency-Key until answered: the outcome is the one a fault-free run gives.
Every command's effect exists exactly once, in the API and on intake's topic, and a
retry of any key answers what the first success answered."""

import asyncio
import random
import threading
import time
from collections import Counter
from uuid import uuid4

import pytest

from tests.faults.retrying_client import send_until_answered
from tests.faults.topic_snapshot import read_until
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

PEOPLE = 75  # each is enrolled, then asks for mentoring: 150 commands
KILLS = 2
# A claim held by a killed request is taken over once its lease ends; a short lease
# keeps the retries of that one command (and this test) within seconds.
SHORT_LEASE = {"IDEMPOTENCY_LEASE_SECONDS": "2"}
ENROLLED = "mentoring.intake.ParticipantEnrolled.v1"
REQUESTED = "mentoring.intake.MentorshipRequested.v1"


def commands_for(program_id: str):
    """The commands, as (path, body-or-builder, key); a request names the person enrolled before it."""
    for index in range(PEOPLE):
        yield "/v1/participants", {
            "program_id": program_id, "name": f"Person {index}", "consent_given": True,
            "contact_email": f"person{index}.kill@example.com",
            "profile": profile("mentee", [], ["public speaking"], 2, "acme"),
        }, uuid4().hex
        yield "/v1/requests", lambda enrolled: {
            "program_id": program_id, "mentee_id": enrolled, "meeting_modes": ["video"],
            "goals": [{"topic": "public speaking", "outcome": "give a talk"}],
        }, uuid4().hex


def drive(partner: Caller, program_id: str, answers: list) -> None:
    last_enrolled = None
    for path, body, key in commands_for(program_id):
        sent = body(last_enrolled) if callable(body) else body
        outcome = send_until_answered(partner, path, sent, key)
        answers.append((path, sent, key, outcome))
        if path == "/v1/participants":
            last_enrolled = outcome.body.get("id")


def listed(caller: Caller, path: str, program_id: str) -> list[str]:
    ids, cursor = [], None
    while True:
        params = {"program": program_id, "limit": 200, **({"cursor": cursor} if cursor else {})}
        listing = caller.get(path, params=params).json()
        ids += [item["id"] for item in listing["items"]]
        cursor = listing.get("next_cursor")
        if not cursor:
            return ids


def test_two_kills_lose_nothing_and_duplicate_nothing(stack):
    settings, intake = stack["settings"], stack["services"]["intake"]
    operator = Caller(intake.url, token(settings, "operator-org", "operator"))
    partner = Caller(intake.url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Kills", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    seed = random.randrange(10**6)
    chooser = random.Random(seed)
    kill_points = sorted(chooser.sample(range(10, 2 * PEOPLE - 10), KILLS))
    answers: list = []
    failure: list[BaseException] = []

    def client() -> None:
        try:
            drive(partner, program_id, answers)
        except BaseException as error:  # noqa: BLE001  (reported by the test thread)
            failure.append(error)

    started = time.monotonic()
    driver = threading.Thread(target=client, daemon=True)
    driver.start()
    for point in kill_points:
        eventually(lambda: len(answers) >= point or failure or not driver.is_alive(), timeout=60,
                   what=f"{point} commands answered")
        time.sleep(chooser.uniform(0, 0.05))  # land inside a request, not between two
        intake.kill(**SHORT_LEASE)
    driver.join(timeout=120)
    assert not failure, failure
    assert not driver.is_alive(), "the client did not finish"
    elapsed = time.monotonic() - started

    assert [outcome.status for *_, outcome in answers] == [201] * (2 * PEOPLE)
    people = {outcome.body["id"] for path, *_, outcome in answers if path == "/v1/participants"}
    requests = {outcome.body["id"] for path, *_, outcome in answers if path == "/v1/requests"}
    assert len(people) == len(requests) == PEOPLE, "one new aggregate per command"

    # The API: the read models list each exactly once, and nothing else.
    listed_people = eventually(lambda: (found := listed(partner, "/v1/participants", program_id))
                               and set(found) >= people and found, what="participants listed")
    listed_requests = eventually(lambda: (found := listed(partner, "/v1/requests", program_id))
                                 and set(found) >= requests and found, what="requests listed")
    assert sorted(listed_people) == sorted(people)
    assert sorted(listed_requests) == sorted(requests)

    # The topic: one event id per effect. The relay may send a batch again after a crash
    # (at least once; consumers drop the copy by its id), so copies are counted apart.
    def creations(envelopes, kind, field):
        return [(e["data"][field], e["id"]) for e in envelopes if e["type"] == kind
                and e["data"]["program_id"] == program_id]

    def complete(envelopes):
        return ({p for p, _ in creations(envelopes, ENROLLED, "participant_id")} >= people
                and {r for r, _ in creations(envelopes, REQUESTED, "request_id")} >= requests)

    envelopes = asyncio.run(read_until(settings, settings.topic_for("intake"), complete, timeout=45))
    enrolled = creations(envelopes, ENROLLED, "participant_id")
    requested = creations(envelopes, REQUESTED, "request_id")
    ids_per_person = Counter(p for p, _ in set(enrolled))
    ids_per_request = Counter(r for r, _ in set(requested))
    lost = len(people - set(ids_per_person)) + len(requests - set(ids_per_request))
    duplicated = sum(n - 1 for n in (ids_per_person + ids_per_request).values() if n > 1)
    strangers = (set(ids_per_person) - people) | (set(ids_per_request) - requests)
    resent = len(enrolled) + len(requested) - len(set(enrolled)) - len(set(requested))

    # No key stuck: each answers again what its first success answered, and writes nothing.
    replays = [(send_until_answered(partner, path, body, key), outcome) for path, body, key, outcome in answers]
    mismatched = [again for again, first in replays if (again.status, again.body) != (first.status, first.body)]

    attempts = sum(outcome.attempts for *_, outcome in answers)
    retried = sum(1 for *_, outcome in answers if outcome.attempts > 1)
    print(f"\nkill -9 figures: commands {len(answers)}, kills {KILLS} after commands {kill_points} (seed {seed}), "
          f"attempts {attempts} ({retried} commands retried), lost {lost}, duplicated {duplicated}, "
          f"re-sent copies on Kafka {resent}, "
          f"replayed keys {len(replays)} ({len(mismatched)} differing), {elapsed:.1f}s")
    assert (lost, duplicated, strangers) == (0, 0, set())
    assert not mismatched, mismatched[:3]
