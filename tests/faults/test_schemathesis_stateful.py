"""Schemathesis' stateful phase against each running service, as an operator: sequences of
calls that follow the documented OpenAPI links, each answer checked against the contract
like the generated cases of test_schemathesis.py, and each 409 for a `type` its operation
documents. Only the links the documents declare are followed (schemathesis' own inference
is off), so a walk that reaches an item's operations proves a client can get there from the
contract alone: matching's matches and sessions' relationships are made by events, so the
way in is a list page's first item.

Each scenario opens with the service's lists read unfiltered (real answers, put in the
bundles the links draw from): the lists schemathesis itself sends carry random filters
(a random `program`), which match nothing, and a link from an empty page goes nowhere."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import initialize
from schemathesis.config._phases import InferenceConfig  # not re-exported by schemathesis.config
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.generation.stateful.state_machine import StepInput

from tests.faults.seeded_ids import seed, seed_relationship
from tests.faults.test_schemathesis import CHECKS, operator_headers
from tests.support.api_client import Caller, token

pytestmark = pytest.mark.e2e

SCENARIOS = {"intake": 25, "matching": 25, "sessions": 60}
STEPS_PER_SCENARIO = 6
# The item each walk must reach with an id an earlier answer gave it.
ITEMS = {"intake": "/v1/programs/{program_id}", "matching": "/v1/matches/{match_id}",
         "sessions": "/v1/relationships/{relationship_id}"}


def conflict_type_documented(ctx: Any, response: Any, case: Any) -> None:
    """A 409's problem `type` is one of those its operation's 409 lists as examples."""
    if response.status_code != 409:
        return
    answered = response.json()["type"].rsplit("/", 1)[-1]
    content = case.operation.definition.raw["responses"]["409"]["content"]
    documented = {kind for media in content.values() for kind in media.get("examples", {})}
    assert answered in documented, f"409 {answered} is not among the documented {sorted(documented)}"


@dataclass
class Walk:
    """What the state machine did: every call, the calls whose path ids a link carried from an
    earlier answer, and the check failures (collected, so one report lists them all)."""

    scenarios: int = 0
    calls: Counter = field(default_factory=Counter)
    linked: dict[str, Counter] = field(default_factory=dict)
    ids_answered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    ended_early: bool = False

    def record(self, label: str, path_ids: dict[str, Any], status: int, body: Any) -> None:
        self.calls[label] += 1
        if path_ids and all(str(value) in self.ids_answered for value in path_ids.values()):
            self.linked.setdefault(label, Counter())[status] += 1
        self.ids_answered |= ids_in(body)


def ids_in(body: Any) -> set[str]:
    if isinstance(body, dict):
        found = {str(value) for key, value in body.items() if (key == "id" or key.endswith("_id")) and value}
        return found.union(*(ids_in(value) for value in body.values()))
    if isinstance(body, list):
        return set().union(*(ids_in(value) for value in body))
    return set()


def walking_machine(schema: Any, headers: dict[str, str], walk: Walk) -> type:
    machine = schema.as_state_machine()
    lists = [operation for operation in (result.ok() for result in schema.get_all_operations())
             if operation.method == "get" and not operation.path_parameters
             and machine._transitions.operations.get(operation.label)]  # noqa: SLF001  (the links it follows)

    class Walking(machine):  # type: ignore[misc, valid-type]
        @initialize()
        def read_the_lists(self) -> None:
            walk.scenarios += 1
            for operation in lists:
                case = operation.Case()
                self.recorder.record_case(case=case)
                self.control.record_step(StepInput.initial(case), self.recorder)
                # Added the way a rule's answer is: to the bundle of its operation and status.
                self._add_results_to_targets((), [self.step(StepInput.initial(case))])

        def get_call_kwargs(self, case):  # noqa: ANN001, ANN202
            return {"headers": headers, "timeout": 10}

        def step(self, input):  # noqa: A002, ANN001, ANN202  (the name schemathesis calls it by)
            output = super().step(input)
            linked = {name for location, name in input.applied_parameters if location is ParameterLocation.PATH}
            path_ids = {name: value for name, value in (output.case.path_parameters or {}).items() if name in linked}
            walk.record(output.case.operation.label, path_ids, output.response.status_code, json_of(output.response))
            return output

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # noqa: ANN001, ANN202
            try:
                case.validate_response(response, checks=[*CHECKS, conflict_type_documented], transport_kwargs=kwargs,
                                       recorder=self.recorder)
            except FailureGroup as failures:
                walk.failures.append(f"{case.operation.label}: {str(failures)[:600]}")

    return Walking


def json_of(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@pytest.fixture(scope="module")
def seeded(stack):
    """What the walks find through the lists, never told its ids: a program, a proposed match,
    a confirmed one and the relationship it started."""
    known = seed(stack)
    seed_relationship(stack, known)


def walk_service(stack, service: str) -> Walk:
    headers = operator_headers(stack)
    schema = schemathesis.openapi.from_url(f"{stack['services'][service].url}/openapi.json",
                                           headers=headers, timeout=10)
    schema.config.phases.stateful.inference = InferenceConfig(algorithms=[])
    walk = Walk()
    try:
        run_state_machine_as_test(walking_machine(schema, headers, walk), settings=settings(
            max_examples=SCENARIOS[service], stateful_step_count=STEPS_PER_SCENARIO, deadline=None, database=None,
            derandomize=True, suppress_health_check=list(HealthCheck), phases=[Phase.generate]))
    except Flaky:
        # The same draws met a server in another state (what an earlier scenario created or
        # closed) and enabled other rules: Hypothesis stops there, as schemathesis' own runner
        # does. The failures are collected, not raised, so none is lost; the walk is shorter.
        walk.ended_early = True
    return walk


@pytest.mark.parametrize("service", list(SCENARIOS))
def test_walks_the_links_into_items_with_no_failure(stack, seeded, service):
    walk = walk_service(stack, service)
    reached = {label: dict(statuses) for label, statuses in walk.linked.items() if ITEMS[service] in label}
    print(f"\nstateful {service}: {walk.scenarios} scenarios{' (ended early)' * walk.ended_early}, "
          f"{sum(walk.calls.values())} calls over {len(walk.calls)} operations, "
          f"{len(walk.failures)} failures; linked into the item: {reached}")
    assert not walk.failures, "\n".join(walk.failures[:10])
    answered = sum(count for statuses in reached.values() for status, count in statuses.items() if status < 300)
    assert answered, f"no operation under {ITEMS[service]} answered a linked id; linked calls: {walk.linked}"


@pytest.mark.parametrize("service", list(SCENARIOS))
def test_afterwards_ready_and_nothing_parked(stack, service):
    """What the walks wrote (ground rules, check-ins, closed programs) poisoned nothing that
    runs behind the API: the service is ready and its followers parked no record."""
    operator = Caller(stack["services"][service].url, token(stack["settings"], "operator-org", "operator"))
    assert operator.get("/readyz").status_code == 200
    parked = operator.get("/v1/operations/parked")
    assert parked.status_code == 200, parked.text
    assert parked.json()["items"] == []
