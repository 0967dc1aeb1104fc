"""100 writers race for one participant with the same ETag, round after round: exactly
one wins each version, the rest are told why as problem+json (412 stale, or 409 when
they lost the race inside the store), none crash, and the history has no gaps."""

import threading
from collections import Counter
from uuid import uuid4

import pytest

from tests.support.api_client import Caller, profile, token

pytestmark = pytest.mark.e2e

WRITERS = 100
REFUSALS = {409, 412}


def race(callers: list[Caller], write) -> list:  # noqa: ANN001
    """Every writer sends at once (a barrier releases them together); answers in writer order."""
    gate = threading.Barrier(len(callers))
    answers: list = [None] * len(callers)

    def writer(index: int) -> None:
        gate.wait()
        try:
            answers[index] = write(index, callers[index])
        except Exception as error:  # noqa: BLE001  (a transport error is an answer here too)
            answers[index] = error

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def verdict(answers: list) -> tuple[int, Counter, list]:
    statuses = Counter(getattr(a, "status_code", type(a).__name__) for a in answers)
    odd = [a for a in answers if getattr(a, "status_code", None) not in {200} | REFUSALS]
    not_problems = [a for a in answers if getattr(a, "status_code", None) in REFUSALS
                    and a.headers.get("content-type") != "application/problem+json"]
    return statuses[200], statuses, odd + not_problems


def test_one_writer_wins_each_version_and_the_history_has_no_gaps(stack):
    settings, intake = stack["settings"], stack["services"]["intake"]
    operator = Caller(intake.url, token(settings, "operator-org", "operator"))
    bearer = token(settings, "acme", "partner")
    partner = Caller(intake.url, bearer)
    program = operator.post("/v1/programs", {"name": "Race", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    enrolled = partner.post("/v1/participants", {
        "program_id": program.json()["id"], "name": "Contested", "consent_given": True,
        "contact_email": "contested@example.com", "profile": profile("mentee", [], ["sql"], 2, "acme")})
    assert enrolled.status_code == 201, enrolled.text
    person, etag = enrolled.json()["id"], enrolled.headers["etag"]
    callers = [Caller(intake.url, bearer) for _ in range(WRITERS)]

    rounds = {
        "profile": lambda i, c: c.put(f"/v1/participants/{person}/profile",
                                      {"profile": profile("mentee", [], [f"topic {i}"], 2, "acme")},
                                      headers={"if-match": etag, "idempotency-key": uuid4().hex}),
        "pause": lambda i, c: c.post(f"/v1/participants/{person}/pause", headers={"if-match": etag}),
        "resume": lambda i, c: c.post(f"/v1/participants/{person}/resume", headers={"if-match": etag}),
    }
    figures = []
    for name, write in rounds.items():
        answers = race(callers, write)
        winners, statuses, wrong = verdict(answers)
        figures.append(f"{name}: {dict(statuses)}")
        assert winners == 1 and not wrong, (name, statuses, [getattr(a, "text", repr(a))[:300] for a in wrong[:3]])
        etag = next(a for a in answers if a.status_code == 200).headers["etag"]

    history = partner.get(f"/v1/participants/{person}/events").json()["items"]
    versions = [item["subjectversion"] for item in history]
    print(f"\nconcurrent writes ({WRITERS} per round): {'; '.join(figures)}; history versions {versions}")
    assert versions == list(range(1, len(rounds) + 2)), "one event per won round, no gaps"
    assert partner.get(f"/v1/participants/{person}").headers["etag"] == etag
