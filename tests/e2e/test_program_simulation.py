"""A program's life across the three services, seeded and checked at the end.

Mentors and mentees of two organizations; every mentee asks; each proposal is accepted
by both, declined, left to wait, or its request withdrawn; some relationships close,
some people are erased. Afterwards, across services: each request is in one end state
that intake, matching and sessions agree on; each mentor's held seats equal the
relationships they are running; nothing was dead-lettered or parked; no confidential
marker is on any topic. `bench/program_simulation_bench.py` runs it at a larger size.
"""

import asyncio
import os
import random
import time
from uuid import UUID

import pytest

from mentoring_cli.topics import depth, read_to_end
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e
MARKER = "confidential-simulation-marker"
TOPICS = ["leadership", "negotiation", "sql", "public speaking"]
SEED = int(os.environ.get("SIMULATION_SEED", "20261202"))
# The suite's size; bench/program_simulation_bench.py sets larger ones.
MENTORS = int(os.environ.get("SIMULATION_MENTORS", "8"))
MENTEES = int(os.environ.get("SIMULATION_MENTEES", "16"))


class Program:
    """The simulated program: who is in it, as the partners and the people see it."""

    def __init__(self, stack, mentors: int, mentees: int) -> None:  # noqa: ANN001
        self.settings, self.services = stack["settings"], stack["services"]
        self.random = random.Random(SEED)
        operator = self.caller("intake", "ops", "operator")
        self.program = operator.post("/v1/programs", {"name": "Simulation", "formats": ["one_to_one"],
                                                      "organizations": ["acme", "globex"]}).json()["id"]
        self.organization: dict[UUID, str] = {}
        self.mentors = [self.enrol("mentor", n) for n in range(mentors)]
        self.mentees = [self.enrol("mentee", n) for n in range(mentees)]
        self.requests: dict[UUID, UUID] = {}  # request -> mentee
        self.erased: set[UUID] = set()

    def caller(self, service: str, org: str, role: str, person: UUID | None = None) -> Caller:
        return Caller(self.services[service].url, token(self.settings, org, role, person))

    def person(self, service: str, person: UUID) -> Caller:
        return self.caller(service, self.organization[person], "participant", person)

    def partner(self, service: str, person: UUID) -> Caller:
        return self.caller(service, self.organization[person], "partner")

    def enrol(self, role: str, n: int) -> UUID:
        org = "acme" if n % 2 == 0 else "globex"
        topic = TOPICS[n % len(TOPICS)]
        offers, wants = ([(topic, "expert")], []) if role == "mentor" else ([], [topic])
        body = profile(role, offers, wants, 15 if role == "mentor" else 2, org, department=f"{role}{n}",
                       capacity=1 + n % 2)
        made = self.caller("intake", org, "partner").post("/v1/participants", {
            "program_id": self.program, "name": f"{role} {n} {MARKER}", "consent_given": True,
            "contact_email": f"{role}{n}.{MARKER}@example.com", "profile": body})
        assert made.status_code == 201, made.text
        person = UUID(made.json()["id"])
        self.organization[person] = org
        return person

    def ask(self, mentee: UUID) -> UUID:
        topic = TOPICS[self.mentees.index(mentee) % len(TOPICS)]
        made = self.partner("intake", mentee).post("/v1/requests", {
            "program_id": self.program, "mentee_id": str(mentee), "meeting_modes": ["video"],
            "goals": [{"topic": topic, "outcome": f"grow in {topic}"}]})
        assert made.status_code == 201, made.text
        request = UUID(made.json()["id"])
        self.requests[request] = mentee
        return request

    def open_proposal(self, request: UUID) -> dict | None:
        items = self.person("matching", self.requests[request]).get(
            "/v1/matches", params={"request": str(request)}).json()["items"]
        return next((p for p in items if p["status"] in ("proposed", "accepted_by_mentee", "accepted_by_mentor")),
                    None)

    def intake_status(self, request: UUID) -> str:
        return self.partner("intake", self.requests[request]).get(f"/v1/requests/{request}").json()["status"]


def first_of(probe, seconds: float):  # noqa: ANN001, ANN201
    """What `probe` finds within `seconds`, else None: waiting is a legitimate outcome here."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.25)
    return None


def withdraw(program: Program, request: UUID) -> None:
    partner = program.partner("intake", program.requests[request])
    etag = partner.get(f"/v1/requests/{request}").headers["etag"]
    withdrawn = partner.post(f"/v1/requests/{request}/withdraw", headers={"if-match": etag})
    assert withdrawn.status_code == 200, withdrawn.text


def run_program(program: Program) -> dict[str, int]:
    figures = {"requests": 0, "accepted": 0, "declined": 0, "withdrawn": 0, "waiting": 0, "closed": 0, "erased": 0}
    for mentee in program.mentees:
        request = program.ask(mentee)
        figures["requests"] += 1
        proposal = first_of(lambda r=request: program.open_proposal(r), seconds=10)
        if proposal is None:
            figures["waiting"] += 1  # every fitting mentor is full: the request waits for a seat
            if program.random.random() < 0.5:
                withdraw(program, request)
                figures["withdrawn"] += 1
            continue
        action = program.random.random()
        mentor = UUID(proposal["mentor_id"])
        if action < 0.6:
            for person in (mentee, mentor):
                answer = program.person("matching", person).post(f"/v1/matches/{proposal['id']}/accept")
                assert answer.status_code == 200, answer.text
            figures["accepted"] += 1
        elif action < 0.75:
            answer = program.person("matching", mentee).post(f"/v1/matches/{proposal['id']}/decline",
                                                             {"reason": "not now"})
            assert answer.status_code == 200, answer.text
            figures["declined"] += 1
        elif action < 0.9:
            withdraw(program, request)
            figures["withdrawn"] += 1
    for request, mentee in program.requests.items():
        if program.intake_status(request) != "matched" or program.random.random() > 0.4:
            continue
        sessions = program.person("sessions", mentee)
        eventually(lambda r=request: sessions.get(f"/v1/relationships/{r}").status_code == 200,
                   what="the relationship")
        closed = sessions.post(f"/v1/relationships/{request}/close", {"outcome": "ended_early", "reason": "moved"})
        assert closed.status_code == 200, closed.text
        figures["closed"] += 1
    for mentee in program.random.sample(program.mentees, k=max(1, len(program.mentees) // 10)):
        erased = program.partner("intake", mentee).post(f"/v1/participants/{mentee}/erase")
        assert erased.status_code == 200, erased.text
        program.erased.add(mentee)
        figures["erased"] += 1
    return figures


def relationship_status(program: Program, request: UUID) -> str | None:
    operator = program.caller("sessions", "ops", "operator")
    answer = operator.get(f"/v1/relationships/{request}")
    return answer.json()["status"] if answer.status_code == 200 else None


def agreement_across_services(program: Program) -> list[str]:
    """Every disagreement found; empty when the three services tell one story."""
    problems = []
    for request, mentee in program.requests.items():
        status = program.caller("intake", "ops", "operator").get(f"/v1/requests/{request}").json()["status"]
        relationship = relationship_status(program, request)
        if status == "matched" and relationship is None:
            problems.append(f"{request}: matched in intake, no relationship in sessions")
        if status != "matched" and relationship not in (None, "closed"):
            problems.append(f"{request}: {status} in intake but {relationship} in sessions")
        if mentee in program.erased and relationship not in (None, "closed"):
            problems.append(f"{request}: the mentee was erased but the relationship is {relationship}")
    return problems


def seats_against_relationships(program: Program) -> list[str]:
    operator = program.caller("matching", "ops", "operator")
    sessions = program.caller("sessions", "ops", "operator")
    running: dict[str, int] = {}
    for request in program.requests:
        answer = sessions.get(f"/v1/relationships/{request}")
        if answer.status_code == 200 and answer.json()["status"] != "closed":
            for party in answer.json()["parties"]:
                if party["role"] == "mentor":
                    running[party["participant_id"]] = running.get(party["participant_id"], 0) + 1
    problems = []
    for mentor in program.mentors:
        held = operator.get(f"/v1/mentors/{mentor}/capacity").json()["held"]
        if held != running.get(str(mentor), 0):
            problems.append(f"mentor {mentor}: {held} seats held, {running.get(str(mentor), 0)} relationships")
    return problems


async def dead_letters_and_markers(settings) -> tuple[int, int]:  # noqa: ANN001
    dead = markers = 0
    for service in ("intake", "matching", "sessions"):
        dead += await depth(settings, f"{settings.topic_for(service)}.dlq") or 0
        async for record in read_to_end(settings, settings.topic_for(service)):
            markers += MARKER.encode() in (record.value or b"")
    return dead, markers


def test_a_program_run_leaves_the_three_services_telling_one_story(stack):
    program = Program(stack, mentors=MENTORS, mentees=MENTEES)
    figures = run_program(program)
    print(f"simulation: {figures}")

    def settled(check) -> list[str]:  # noqa: ANN001
        """The last problems found, once there are none or the time is up."""
        found: list[str] = []

        def probe() -> bool:
            found[:] = check(program)
            return not found
        try:
            eventually(probe, what=check.__name__)
        except AssertionError:
            pass
        return found

    assert settled(agreement_across_services) == []
    assert settled(seats_against_relationships) == []
    dead, markers = asyncio.run(dead_letters_and_markers(program.settings))
    assert dead == 0, "nothing dead-lettered"
    assert markers == 0, "no confidential marker on any topic"
    for service in ("intake", "matching", "sessions"):
        parked = program.caller(service, "ops", "operator").get("/v1/operations/parked").json()["items"]
        assert parked == [], (service, parked)
    assert figures["accepted"] > 0 and figures["closed"] > 0
