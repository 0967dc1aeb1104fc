"""Generated requests from each running service's own OpenAPI, as an operator: whatever
the input, no answer is a server error, and afterwards the service is ready and its
followers parked nothing (a bad request must not poison what runs behind the API)."""

import os
from collections import Counter
from itertools import product

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.faults.seeded_ids import seed
from tests.support.api_client import Caller, token

pytestmark = pytest.mark.e2e

# A few hundred per service in the suite; SCHEMATHESIS_SCALE multiplies them for a larger
# run (scripts/schemathesis_large.sh).
SCALE = int(os.environ.get("SCHEMATHESIS_SCALE", "1"))
BASE_CASES = {"intake": 8, "matching": 15, "sessions": 10}
CASES_PER_OPERATION = {service: cases * SCALE for service, cases in BASE_CASES.items()}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Besides no server error, every answer is one the contract documents: its status code,
# content type, headers and body schema (docs/openapi/ is what partners generate from).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
cases: Counter = Counter()
statuses: dict[str, Counter] = {service: Counter() for service in CASES_PER_OPERATION}


def operator_headers(stack) -> dict[str, str]:
    return {"authorization": f"Bearer {token(stack['settings'], 'operator-org', 'operator')}"}


@pytest.fixture(scope="module")
def known_ids(stack):
    return seed(stack)


def server_errors(stack, service: str, known: dict[str, str]) -> list[str]:
    """Runs every operation's generated cases (valid and invalid input), with random path
    ids and again with the seeded ones; the server errors, described.

    Driven by hand, not by schemathesis' pytest plugin: 4.32.5's lazy schema sets
    `node._nodeid`, which pytest 9 no longer has."""
    headers = operator_headers(stack)
    schema = schemathesis.openapi.from_url(f"{stack['services'][service].url}/openapi.json",
                                           headers=headers, timeout=10)
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        for path_parameters, mode in product([{}, fixed] if fixed else [{}], MODES):
            @settings(max_examples=CASES_PER_OPERATION[service], deadline=None, database=None,
                      derandomize=True, suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            @given(case=operation.as_strategy(generation_mode=mode,
                                                     path_parameters=path_parameters))
            def probe(case) -> None:  # noqa: ANN001
                cases[service] += 1
                try:
                    response = case.call_and_validate(headers=headers, checks=CHECKS, timeout=10)
                    statuses[service][response.status_code] += 1
                except BaseException as error:  # noqa: BLE001  (collected: one report lists them all)
                    found.append(f"{operation.label} {mode.value}: {str(error)[:600]}")

            try:
                probe()
            except Unsatisfiable:
                pass  # no invalid input exists for it (e.g. no parameters, no body): nothing to send
    return found


@pytest.mark.parametrize("service", list(CASES_PER_OPERATION))
def test_generated_requests_get_no_server_error(stack, known_ids, service):
    errors = server_errors(stack, service, known_ids)
    print(f"\nschemathesis {service}: {cases[service]} cases, {len(errors)} server errors, "
          f"answers {dict(sorted(statuses[service].items()))}")
    assert not errors, "\n".join(errors[:10])


@pytest.mark.parametrize("service", list(CASES_PER_OPERATION))
def test_afterwards_ready_and_nothing_parked(stack, service):
    process = stack["services"][service]
    operator = Caller(process.url, token(stack["settings"], "operator-org", "operator"))
    assert operator.get("/readyz").status_code == 200
    parked = operator.get("/v1/operations/parked")
    assert parked.status_code == 200, parked.text
    assert parked.json()["items"] == []
