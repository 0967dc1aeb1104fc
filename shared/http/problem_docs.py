"""The problem answers an operation can give, as OpenAPI declares them.

One model for every refusal (shared/http/problems.py builds them), served as
`application/problem+json`; `problem_responses(...)` is the `responses=` dict a
router or route passes to FastAPI, so each operation lists the statuses it can answer.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.http.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, TITLES

PROBLEM_SCHEMA_REF = "#/components/schemas/ProblemDetails"
WHEN = {
    400: "The request is malformed (e.g. an Authorization header that is not text)",
    401: "No bearer token, or one that is invalid or expired",
    403: "The token's roles do not allow this",
    404: "Not found, or not visible to the caller's organization",
    409: "Conflicts with the resource's state (`type` says which rule), a concurrent write, "
         "or a request with this Idempotency-Key still in progress",
    412: "If-Match names a version that is no longer current",
    413: "The body is over the size limit",
    422: "A field is invalid: `errors` names each one",
    428: "If-Match is required here",
    503: "A dependency (the database) is unavailable; retry after Retry-After with the same Idempotency-Key",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "the scheme to authenticate with: Bearer",
                               "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds to wait before retrying",
                          "schema": {"type": "integer", "minimum": 0}}},
}


class FieldError(BaseModel):
    field: str = Field(description="the JSON path of the bad input, e.g. body.goals.0.topic")
    reason: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, with the fields this API adds."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": f"{PROBLEM_BASE}validation-failed", "title": "Invalid request", "status": 422,
        "detail": "body.goals: List should have at least 1 item after validation, not 0",
        "instance": "/v1/requests",
        "errors": [{"field": "body.goals", "reason": "List should have at least 1 item after validation, not 0"}],
    }]})
    type: str = Field(description=f"stable per kind of problem, under {PROBLEM_BASE}")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="the request's path")
    errors: list[FieldError] | None = Field(default=None, description="each invalid field, on a 422")
    correlation_id: str | None = Field(default=None, description="on a 500: quote it when reporting")


def problem_response_doc(status: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": WHEN.get(status, "problem"),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    }
    if status in HEADERS:
        entry["headers"] = HEADERS[status]
    return entry


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries saying these statuses answer with a ProblemDetails."""
    return {status: problem_response_doc(status) for status in statuses}


# Every write takes an Idempotency-Key, and one whose first request still runs answers this.
EVERY_WRITE_CONFLICT = "request-in-progress"
# What each 409 `type` means, as its example's summary says it.
CONFLICTS = {
    "request-in-progress": "a request with this Idempotency-Key is still being processed; retry shortly",
    "concurrent-write": "someone else changed this at the same moment; read it again and retry",
    "retry-failed": "the parked record still fails",
    "not-held-here": "this replica does not run that follower; ask the one that does",
    "delivery-in-flight": "the delivery is being sent right now",
    # intake
    "program-closed": "the program is closed; closing is final",
    "program-already-paused": "the program is already paused",
    "program-already-open": "the program is already open",
    "organization-not-in-program": "the caller's organization does not take part in this program",
    "consent-required": "a participant must consent to the processing of their data",
    "participant-erased": "this participant's personal data was erased",
    "participant-withdrawn": "the participant has withdrawn",
    "participant-already-paused": "availability is already paused",
    "participant-already-active": "the participant is already available",
    "no-pending-mentor-offer": "there is no pending offer to mentor to confirm",
    "program-not-open": "requests need an open program",
    "format-not-allowed": "the program does not offer this format",
    "goal-count": "state 1 to 5 specific goals",
    "not-enrolled": "a participant named is not enrolled in this program",
    "participant-not-active": "a participant named is paused or withdrawn",
    "not-a-mentee": "the participant is enrolled as a mentor only",
    "co-mentee-required": "a reciprocal request names both people",
    "co-mentee-not-allowed": "only reciprocal requests name a second person",
    "co-mentee-is-mentee": "a reciprocal request names two different people",
    "group-member-not-allowed": "a group's other mentee cannot join this group",
    "named-mentor-is-mentee": "a mentee cannot ask themself",
    "named-person-not-a-mentor": "the named person does not mentor",
    "open-request-cap-reached": "the mentee already has as many open requests as the program allows",
    "duplicate-open-request": "an open request already asks for these same goals",
    "request-not-pending": "only a pending request can be edited or withdrawn",
    # matching
    "request-not-awaiting": "the request is not awaiting a proposal",
    "pair-not-allowed": "a hard rule refuses this pair",
    "participant-left": "someone in the pair left the program",
    "proposal-not-open": "the proposal is no longer open (confirmed, declined, expired or cancelled)",
    "proposal-expired": "the acceptance window has passed",
    "not-in-the-proposal": "that side does not answer this proposal",
    "already-accepted": "this side has already accepted",
    # sessions
    "relationship-closed": "the relationship is closed",
    "relationship-not-active": "only an active relationship can do this",
    "relationship-not-paused": "the relationship is not paused",
    "relationship-never-active": "a relationship that never started ends early; it cannot be completed",
    "relationship-not-closed": "reflections are written after the close",
    "relationship-not-completed": "offer to pay it forward after completing",
    "unknown-agreement-term": "an agreement term this API does not know",
    "invalid-end-date": "give the end date as YYYY-MM-DD",
    "end-date-in-the-past": "the end date has already come",
    "cadence-out-of-range": "meet every 1 to 90 days",
    "invalid-goal": "each goal names a topic and the outcome wanted, listed per participant id",
    "goal-owner-not-a-party": "goals belong to the people in this relationship",
    "invalid-logistics": "logistics name the meeting mode, place, time zones and slot",
    "unknown-meeting-mode": "a meeting mode this API does not know",
    "agreement-version-outdated": "the version signed is not the latest proposal",
    "already-signed": "you already signed this version",
    "ground-rules-settled": "ground rules are added before the relationship starts",
    "invalid-ground-rule": "a ground rule is 1 to 500 characters",
    "already-acknowledged": "you already acknowledged the ground rules",
    "unknown-outcome": "close as completed or ended_early",
    "cannot-leave-group": "only a group's mentee leaves it while another mentee remains",
    "fit-not-reported": "end for no fit after someone reported 'not a good fit'",
    "unknown-goal": "goals are named by their position in the agreement",
    "unknown-goal-outcome": "a goal outcome this API does not know",
    "only-mentees-pay-forward": "paying it forward is a mentee's offer to mentor",
    "already-offered": "you already offered to pay it forward",
    "session-exists": "a session with this id exists",
    "session-in-the-past": "schedule sessions in the future",
    "session-length-out-of-range": "a session lasts 1 to 480 minutes",
    "unknown-session": "no such session in this relationship",
    "session-not-scheduled": "the session is no longer scheduled",
    "session-not-started": "a session is marked held or missed once its time has come",
    "learner-not-a-party": "what was learned is recorded for the people in it",
    "absent-not-a-party": "attendance is recorded for the people in the relationship",
    "too-few-present": "a session with fewer than two people present was missed, not held",
    "learner-absent": "what was learned is recorded for the people who came",
    "invalid-learned-label": "what each person learned is a list of short labels",
    "missed-by-not-a-party": "a no-show is recorded against the people in it",
    "nobody-missed": "name who did not come",
    "rating-out-of-range": "rate fit and progress from 1 to 5",
    "unknown-fit-answer": "an answer to the pairing-fit question this API does not know",
    "too-early-for-fit": "the pairing-fit question comes after the first session",
}
PROGRAM = ("concurrent-write", "program-closed")
PERSON = ("concurrent-write", "participant-erased", "participant-withdrawn")
RELATIONSHIP = "/v1/relationships/{relationship_id}"
SESSION = RELATIONSHIP + "/sessions/{session_id}"
TERMS = ("unknown-agreement-term", "invalid-end-date", "end-date-in-the-past", "cadence-out-of-range",
         "invalid-goal", "goal-owner-not-a-party", "invalid-logistics", "unknown-meeting-mode")
# The 409 types each write can answer besides request-in-progress, by "METHOD path" (unique
# across the services; the operations routes are the same in each). Found from the rules each
# route's use case runs (the domain's RuleViolated kinds, the plumbing's Problem(409, ...)).
CONFLICTS_BY_OPERATION: dict[str, tuple[str, ...]] = {
    "POST /v1/operations/parked/{follower}/{address}/retry": ("retry-failed",),
    "POST /v1/operations/parked/{follower}/{address}/skip": (),
    "POST /v1/operations/rebuild/documents": ("not-held-here",),
    "POST /v1/operations/republish": ("not-held-here",),
    "POST /v1/programs": ("concurrent-write",),
    "PUT /v1/programs/{program_id}": PROGRAM,
    "POST /v1/programs/{program_id}/pause": (*PROGRAM, "program-already-paused"),
    "POST /v1/programs/{program_id}/reopen": (*PROGRAM, "program-already-open"),
    "POST /v1/programs/{program_id}/close": PROGRAM,
    "POST /v1/participants": ("concurrent-write", "program-closed", "organization-not-in-program",
                              "consent-required"),
    "PUT /v1/participants/{participant_id}/profile": PERSON,
    "POST /v1/participants/{participant_id}/pause": (*PERSON, "participant-already-paused"),
    "POST /v1/participants/{participant_id}/resume": (*PERSON, "participant-already-active"),
    "POST /v1/participants/{participant_id}/withdraw": PERSON,
    "POST /v1/participants/{participant_id}/erase": ("concurrent-write",),
    "POST /v1/participants/{participant_id}/mentor-enrolment/confirm": (*PERSON, "no-pending-mentor-offer"),
    "POST /v1/requests": ("concurrent-write", "program-not-open", "format-not-allowed", "goal-count", "not-enrolled",
                          "participant-not-active", "not-a-mentee", "co-mentee-required", "co-mentee-not-allowed",
                          "co-mentee-is-mentee", "group-member-not-allowed", "named-mentor-is-mentee",
                          "named-person-not-a-mentor", "open-request-cap-reached", "duplicate-open-request"),
    "PUT /v1/requests/{request_id}": ("concurrent-write", "request-not-pending", "goal-count"),
    "POST /v1/requests/{request_id}/withdraw": ("concurrent-write", "request-not-pending"),
    "POST /v1/matches": ("concurrent-write", "request-not-awaiting", "pair-not-allowed", "participant-left"),
    "POST /v1/matches/{match_id}/accept": ("concurrent-write", "proposal-not-open", "proposal-expired",
                                           "not-in-the-proposal", "already-accepted"),
    "POST /v1/matches/{match_id}/decline": ("concurrent-write", "proposal-not-open", "proposal-expired",
                                            "not-in-the-proposal"),
    "POST /v1/programs/{program_id}/matching-runs": (),
    f"POST {RELATIONSHIP}/agreement": ("concurrent-write", "relationship-closed", *TERMS),
    f"POST {RELATIONSHIP}/agreement/sign": ("concurrent-write", "relationship-closed", "agreement-version-outdated",
                                            "already-signed"),
    f"POST {RELATIONSHIP}/ground-rules": ("concurrent-write", "ground-rules-settled", "invalid-ground-rule"),
    f"POST {RELATIONSHIP}/ground-rules/acknowledge": ("concurrent-write", "relationship-closed",
                                                      "already-acknowledged"),
    f"POST {RELATIONSHIP}/pause": ("concurrent-write", "relationship-not-active"),
    f"POST {RELATIONSHIP}/resume": ("concurrent-write", "relationship-not-paused"),
    f"POST {RELATIONSHIP}/close": ("concurrent-write", "relationship-closed", "relationship-never-active",
                                   "unknown-outcome"),
    f"POST {RELATIONSHIP}/leave-group": ("concurrent-write", "relationship-closed", "cannot-leave-group"),
    f"POST {RELATIONSHIP}/end-for-no-fit": ("concurrent-write", "relationship-closed", "fit-not-reported"),
    f"POST {RELATIONSHIP}/reflection": ("concurrent-write", "relationship-not-closed", "unknown-goal",
                                        "unknown-goal-outcome"),
    f"POST {RELATIONSHIP}/pay-it-forward": ("concurrent-write", "relationship-not-completed",
                                            "only-mentees-pay-forward", "already-offered"),
    f"POST {RELATIONSHIP}/sessions": ("concurrent-write", "relationship-not-active", "session-exists",
                                      "session-in-the-past", "session-length-out-of-range"),
    f"POST {SESSION}/reschedule": ("concurrent-write", "relationship-not-active", "unknown-session",
                                   "session-not-scheduled", "session-in-the-past"),
    f"POST {SESSION}/cancel": ("concurrent-write", "unknown-session", "session-not-scheduled"),
    f"POST {SESSION}/held": ("concurrent-write", "relationship-not-active", "unknown-session", "session-not-scheduled",
                             "session-not-started", "session-length-out-of-range", "absent-not-a-party",
                             "too-few-present", "learner-not-a-party", "learner-absent", "invalid-learned-label",
                             "unknown-goal"),
    f"POST {SESSION}/missed": ("concurrent-write", "unknown-session", "session-not-scheduled", "session-not-started",
                               "missed-by-not-a-party", "nobody-missed"),
    f"POST {SESSION}/notes": ("concurrent-write", "unknown-session"),
    f"POST {RELATIONSHIP}/check-ins": ("concurrent-write", "relationship-closed", "rating-out-of-range"),
    f"POST {RELATIONSHIP}/pairing-fit": ("concurrent-write", "relationship-closed", "unknown-fit-answer",
                                         "too-early-for-fit"),
    "POST /v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver": ("delivery-in-flight",),
}


def conflict_types(label: str) -> tuple[str, ...]:
    """The 409 `type`s (their last segment) the operation `METHOD path` can answer."""
    return (EVERY_WRITE_CONFLICT, *CONFLICTS_BY_OPERATION.get(label, ()))


def conflict_examples(label: str) -> dict[str, Any]:
    """The 409's `examples`: one per type it can answer, with the URI and title it is sent with."""
    return {kind: {"summary": CONFLICTS[kind], "value": {
        "type": PROBLEM_BASE + kind, "title": TITLES[409], "status": 409, "detail": CONFLICTS[kind]}}
        for kind in conflict_types(label)}
