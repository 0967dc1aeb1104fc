"""A program's life across the three services, seeded and checked at the end.

Mentors and mentees of two organizations; every mentee asks, one to one; pairs of people
who each offer what the other wants ask to co-mentor each other (reciprocal); small groups
of mentees ask for one mentor together (group). Each proposal is accepted by everyone it
awaits, declined, left to wait, or its request withdrawn; some relationships close, some
people are erased. Afterwards, across services: each request is in one end state that
intake, matching and sessions agree on; each person's held seats, as a mentor and as a
mentee, equal the running relationships they are in, in that role; nothing was
dead-lettered or parked; no confidential marker is on any topic.
`bench/program_simulation_bench.py` runs it at a larger size.
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
# Co-mentoring pairs and groups scale with the mentees: one of each per eight.
PAIRS = max(1, MENTEES // 8)
GROUPS = max(1, MENTEES // 8)
GROUP_SIZE = 3  # the requester and two others: the program's max_group_size
MENTOR_ROLES, MENTEE_ROLES = ("mentor", "both"), ("mentee", "both")


class Program:
    """The simulated program: who is in it, as the partners and the people see it."""

    def __init__(self, stack, mentors: int, mentees: int) -> None:  # noqa: ANN001
        self.settings, self.services = stack["settings"], stack["services"]
        self.random = random.Random(SEED)
        operator = self.caller("intake", "ops", "operator")
        self.program = operator.post("/v1/programs", {
            "name": "Simulation", "formats": ["one_to_one", "reciprocal", "group"],
            "organizations": ["acme", "globex"], "max_group_size": GROUP_SIZE}).json()["id"]
        self.organization: dict[UUID, str] = {}
        self.mentors = [self.enrol("mentor", n) for n in range(mentors)]
        self.mentees = [self.enrol("mentee", n) for n in range(mentees)]
        # Each pair: one offers what the other wants, and the reverse.
        self.pairs = [(self.enrol("both", 2 * n, crossing=0), self.enrol("both", 2 * n + 1, crossing=1))
                      for n in range(PAIRS)]
        self.groups = [[self.enrol("mentee", n * GROUP_SIZE + k, group=True) for k in range(GROUP_SIZE)]
                       for n in range(GROUPS)]
        self.requests: dict[UUID, UUID] = {}  # request -> the requesting mentee
        self.erased: set[UUID] = set()

    def caller(self, service: str, org: str, role: str, person: UUID | None = None) -> Caller:
        return Caller(self.services[service].url, token(self.settings, org, role, person))

    def person(self, service: str, person: UUID) -> Caller:
        return self.caller(service, self.organization[person], "participant", person)

    def partner(self, service: str, person: UUID) -> Caller:
        return self.caller(service, self.organization[person], "partner")

    def enrol(self, role: str, n: int, crossing: int | None = None, group: bool = False) -> UUID:
        org = "acme" if n % 2 == 0 or crossing is not None else "globex"
        topic = TOPICS[n % len(TOPICS)]
        offers, wants = ([(topic, "expert")], []) if role == "mentor" else ([], [topic])
        if group:
            topic = TOPICS[0]  # a group shares its goal
            offers, wants = [], [topic]
        if crossing is not None:  # co-mentoring: each offers the topic the other wants
            mine, theirs = TOPICS[2 * (n // 2) % len(TOPICS)], TOPICS[(2 * (n // 2) + 1) % len(TOPICS)]
            if crossing:
                mine, theirs = theirs, mine
            offers, wants = [(mine, "expert")], [theirs]
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

    def ask_together(self, mentee: UUID, format: str, others: list[UUID], topic: str) -> UUID:
        named = {"co_mentee_id": str(others[0])} if format == "reciprocal" else {
            "co_mentee_ids": [str(person) for person in others]}
        made = self.partner("intake", mentee).post("/v1/requests", {
            "program_id": self.program, "mentee_id": str(mentee), "meeting_modes": ["video"], "format": format,
            "goals": [{"topic": topic, "outcome": f"grow in {topic}"}], **named})
        assert made.status_code == 201, made.text
        request = UUID(made.json()["id"])
        self.requests[request] = mentee
        return request

    def open_proposal(self, request: UUID) -> dict | None:
        items = self.person("matching", self.requests[request]).get(
            "/v1/matches", params={"request": str(request)}).json()["items"]
        return next((p for p in items if p["status"] in ("proposed", "accepted_by_mentee", "accepted_by_mentor")),
                    None)

    def accept_for_everyone(self, proposal: dict) -> None:
        """Each side the proposal awaits answers as themself: the mentee, the mentor, or a
        group's member (named by id)."""
        for side in list(proposal["awaiting"]):
            person = UUID(proposal["mentee_id"] if side == "mentee" else
                          proposal["mentor_id"] if side == "mentor" else side)
            answer = self.person("matching", person).post(f"/v1/matches/{proposal['id']}/accept")
            assert answer.status_code == 200, answer.text


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
    figures = {"requests": 0, "reciprocal": 0, "group": 0, "accepted": 0, "declined": 0, "withdrawn": 0,
               "waiting": 0, "closed": 0, "erased": 0}
    asks = [lambda m=mentee: program.ask(m) for mentee in program.mentees]
    asks += [lambda a=a, b=b: program.ask_together(a, "reciprocal", [b], wanted_by(program, a))
             for a, b in program.pairs]
    asks += [lambda g=group: program.ask_together(g[0], "group", g[1:], TOPICS[0]) for group in program.groups]
    for ask in asks:
        request = ask()
        figures["requests"] += 1
        mentee = program.requests[request]
        if any(mentee == a for a, _ in program.pairs):
            figures["reciprocal"] += 1
        elif any(mentee == group[0] for group in program.groups):
            figures["group"] += 1
        proposal = first_of(lambda r=request: program.open_proposal(r), seconds=10)
        if proposal is None:
            figures["waiting"] += 1  # every fitting mentor is full: the request waits for a seat
            if program.random.random() < 0.5:
                withdraw(program, request)
                figures["withdrawn"] += 1
            continue
        action = program.random.random()
        if action < 0.6:
            program.accept_for_everyone(proposal)
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
    everyone_asking = [*program.mentees, *(a for a, _ in program.pairs), *(g[0] for g in program.groups)]
    for mentee in program.random.sample(everyone_asking, k=max(1, len(everyone_asking) // 10)):
        erased = program.partner("intake", mentee).post(f"/v1/participants/{mentee}/erase")
        assert erased.status_code == 200, erased.text
        program.erased.add(mentee)
        figures["erased"] += 1
    return figures


def wanted_by(program: Program, person: UUID) -> str:
    profile = program.caller("intake", "ops", "operator").get(f"/v1/participants/{person}").json()["profile"]
    return profile["wants"][0]


def relationship_of(program: Program, request: UUID) -> dict | None:
    answer = program.caller("sessions", "ops", "operator").get(f"/v1/relationships/{request}")
    return answer.json() if answer.status_code == 200 else None


def agreement_across_services(program: Program) -> list[str]:
    """Every disagreement found; empty when the three services tell one story. An erased
    person is a party of no running relationship: it closed, or (a group with other
    mentees left) goes on without them."""
    problems = []
    for request in program.requests:
        found = program.caller("intake", "ops", "operator").get(f"/v1/requests/{request}").json()
        status, label = found["status"], f"{request} ({found['format']})"
        relationship = relationship_of(program, request)
        state = relationship["status"] if relationship else None
        if status == "matched" and relationship is None:
            problems.append(f"{label}: matched in intake, no relationship in sessions")
        if status != "matched" and state not in (None, "closed"):
            problems.append(f"{label}: {status} in intake but {state} in sessions")
        if relationship and state != "closed":
            parties = {UUID(party["participant_id"]) for party in relationship["parties"]}
            for person in parties & program.erased:
                problems.append(f"{label}: {person} was erased but is a party of the {state} relationship")
    return problems


def seats_against_relationships(program: Program) -> list[str]:
    """Each person's seats, in each ledger (as a mentor, as a mentee), against the running
    relationships they are a party of in a role that takes that seat."""
    operator = program.caller("matching", "ops", "operator")
    sessions = program.caller("sessions", "ops", "operator")
    running: dict[tuple[str, str], int] = {}
    for request in program.requests:
        answer = sessions.get(f"/v1/relationships/{request}")
        if answer.status_code == 200 and answer.json()["status"] != "closed":
            for party in answer.json()["parties"]:
                for ledger, roles in (("mentor", MENTOR_ROLES), ("mentee", MENTEE_ROLES)):
                    if party["role"] in roles:
                        key = (party["participant_id"], ledger)
                        running[key] = running.get(key, 0) + 1
    people = [*program.mentors, *program.mentees, *(p for pair in program.pairs for p in pair),
              *(p for group in program.groups for p in group)]
    problems = []
    for person in people:
        for ledger in ("mentor", "mentee"):
            answer = operator.get(f"/v1/mentors/{person}/capacity", params={"role": ledger})
            held = answer.json()["held"] if answer.status_code == 200 else 0
            expected = running.get((str(person), ledger), 0)
            if held != expected:
                problems.append(f"{person} as {ledger}: {held} seats held, {expected} relationships")
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
