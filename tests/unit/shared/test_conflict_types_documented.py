"""Each operation's 409 lists, as examples, the problem types it can answer: types the code
really raises, for operations that exist, each example a valid ProblemDetails."""

import re
from pathlib import Path

import pytest

from shared.http.problem_docs import CONFLICTS, CONFLICTS_BY_OPERATION, ProblemDetails
from shared.http.problems import PROBLEM_BASE
from scripts.export_openapi import APPS

ROOT = Path(__file__).resolve().parents[3]
# Kinds the code raises where no HTTP request can meet them (timers, consumers, caught inside
# a use case): a new kind must be documented on its operations or named here, with why.
NOT_ANSWERED_OVER_HTTP = {
    "not-yet-expired", "no-reminder-due",  # matching's timers
    "proposal-not-confirmed", "unknown-leaving",  # matching's consumers (a withdrawal, a leaving)
    "not-mutually-accepted", "no-capacity-left",  # checked or caught inside accept (a full mentor cancels it)
    "request-closed", "already-a-mentor",  # intake's consumers of matching's and sessions' facts
    "relationship-not-running", "not-yet-at-end", "not-stalled",  # sessions' timers
}
DOCUMENTS = {service: create().openapi() for service, create in APPS.items()}


def raised_kinds() -> set[str]:
    """Every kind the code names in a RuleViolated, a Problem(409, ...) or a 409 it sends."""
    source = "\n".join(path.read_text() for folder in ("services", "shared") for path in (ROOT / folder).rglob("*.py")
                       if path.name != "problem_docs.py")
    return set(re.findall(r'(?:RuleViolated\(\s*|409,\s*)"([a-z-]+)"', source)) | {"concurrent-write"}


def conflict_responses():
    return [(f"{method.upper()} {path}", operation["responses"]["409"])
            for document in DOCUMENTS.values() for path, item in document["paths"].items()
            for method, operation in item.items() if "409" in operation["responses"]]


def test_every_documented_type_is_one_the_code_raises():
    assert set(CONFLICTS) - raised_kinds() == set()
    listed = {kind for kinds in CONFLICTS_BY_OPERATION.values() for kind in kinds}
    assert listed <= set(CONFLICTS)


def test_every_kind_the_code_raises_is_documented_or_never_answered_over_http():
    documented = {kind for kinds in CONFLICTS_BY_OPERATION.values() for kind in kinds} | {"request-in-progress"}
    assert raised_kinds() - documented - NOT_ANSWERED_OVER_HTTP == set()
    assert NOT_ANSWERED_OVER_HTTP & documented == set()
    assert NOT_ANSWERED_OVER_HTTP <= raised_kinds()


def test_every_operation_in_the_table_exists():
    labels = {label for label, _ in conflict_responses()}
    assert set(CONFLICTS_BY_OPERATION) - labels == set()


@pytest.mark.parametrize("label, response", conflict_responses())
def test_each_409_lists_its_types_with_their_uri_and_title(label, response):
    examples = response["content"]["application/problem+json"]["examples"]
    assert "request-in-progress" in examples, "every write takes an Idempotency-Key"
    assert set(examples) == {"request-in-progress", *CONFLICTS_BY_OPERATION.get(label, ())}
    for kind, example in examples.items():
        problem = ProblemDetails.model_validate(example["value"])
        assert (problem.type, problem.title, problem.status) == (PROBLEM_BASE + kind, "Conflict", 409)


def test_a_domain_rule_is_listed_where_its_route_runs_it():
    accept = dict(conflict_responses())["POST /v1/matches/{match_id}/accept"]
    assert {"already-accepted", "proposal-expired", "concurrent-write"} <= set(
        accept["content"]["application/problem+json"]["examples"])
