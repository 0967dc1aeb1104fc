"""A decliner's words are theirs: matching seals them with the decliner's own key, so its
lists and documents never hold them, only the decliner reads them back, and erasing the
decliner (intake decides it) deletes that key in matching too, in the transaction that
records the erasure. The three services as processes, real Kafka and PostgreSQL."""

from typing import Any
from uuid import UUID

import psycopg

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e
WORDS = "decline-words-6e0d: my father is ill this spring"


def matching_rows(stack: dict[str, Any], query: str, *args: Any) -> Any:
    with psycopg.connect(stack["settings"].postgres_dsn(stack["databases"]["matching"])) as database:
        return database.execute(query, args).fetchone()[0]


def test_only_the_decliner_reads_their_words_and_erasing_them_erases_the_words(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    partner = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Declines", "formats": ["one_to_one"],
                                             "organizations": ["acme"]}).json()["id"]
    people = []
    for role, offers, wants in (("mentee", [], ["pricing"]), ("mentor", [("pricing", "expert")], [])):
        enrolled = partner.post("/v1/participants", {
            "program_id": program, "name": f"Decline {role}", "contact_email": f"{role}@example.com",
            "consent_given": True, "profile": profile(role, offers, wants, 10, "acme", department=role)})
        assert enrolled.status_code == 201, enrolled.text
        people.append(UUID(enrolled.json()["id"]))
    mentee, mentor = people
    request = partner.post("/v1/requests", {"program_id": program, "mentee_id": str(mentee),
                                            "goals": [{"topic": "pricing", "outcome": "price a product"}],
                                            "meeting_modes": ["video"]}).json()["id"]
    as_mentor = Caller(services["matching"].url, token(settings, "acme", "participant", mentor))
    as_mentee = Caller(services["matching"].url, token(settings, "acme", "participant", mentee))
    proposal = eventually(lambda: as_mentee.get("/v1/matches", params={"request": request}).json()["items"],
                          what="a proposal")[0]

    declined = as_mentor.post(f"/v1/matches/{proposal['id']}/decline", {"reason": WORDS, "reason_code": "schedule"})
    assert declined.status_code == 200, declined.text
    assert (declined.json()["ended_reason"], declined.json()["decline_words"]) == ("declined: the schedule", WORDS)
    path = f"/v1/matches/{proposal['id']}"
    assert as_mentor.get(path).json()["decline_words"] == WORDS
    for other in (as_mentee, Caller(services["matching"].url, token(settings, "acme", "partner"))):
        seen = other.get(path).json()
        assert (seen["ended_reason"], seen["decline_words"]) == ("declined: the schedule", None)
        assert WORDS not in str(other.get("/v1/matches", params={"request": request}).json())
    eventually(lambda: matching_rows(stack, "SELECT count(*) FROM documents WHERE id = %s AND status = 'declined'",
                                     UUID(proposal["id"])) == 1, what="the declined proposal listed")
    assert matching_rows(stack, "SELECT count(*) FROM documents WHERE body::text LIKE %s", f"%{WORDS[:20]}%") == 0
    assert matching_rows(stack, "SELECT count(*) FROM subject_keys WHERE subject_id = %s", mentor) == 1

    assert partner.post(f"/v1/participants/{mentor}/erase").status_code == 200
    eventually(lambda: matching_rows(stack, "SELECT count(*) FROM subject_keys WHERE subject_id = %s", mentor) == 0,
               what="matching to delete the erased decliner's key")
    assert matching_rows(stack, "SELECT count(*) FROM erased_subjects WHERE subject_id = %s", mentor) == 1
    assert as_mentor.get(path).json()["decline_words"] is None, "their key is gone: so are the words"
    assert matching_rows(stack, "SELECT count(*) FROM subject_keys WHERE subject_id = %s", mentee) == 0, \
        "the mentee declined nothing: matching never held a key for them"
