"""Request and response examples for the partner journey's operations, by operationId.

One journey told across the three services (a program opened, Ada enrolled and asking for
help with public speaking, Grace's proposal accepted, an agreement, a session held, a
check-in, the close), so the ids in one example are those of the others. The values are
answers the services gave on that journey, with the ids and times made readable; a unit
test validates each against its operation's schema (tests/unit/shared/).
openapi_document.py puts them on the operations, so no route carries them.
"""

from typing import Any

PROGRAM_ID = "0b7e3a52-6c1d-5f0e-9a41-3c2d8e5f7a10"
MENTEE_ID = "5f6c192c-8f8d-5f5f-9110-ab41951f6608"
MENTOR_ID = "be90246b-b410-54b3-a838-3c1a84e343d1"
# A relationship has the id of the request it grew from.
REQUEST_ID = "7a87e252-94d3-5c97-bd27-056375dd509f"
MATCH_ID = "547b1251-27a5-583c-9670-73e2fa4c3b01"
SESSION_ID = "05fd709e-bb22-4710-bd08-7bd395648382"
GOAL = {"topic": "public speaking", "outcome": "give a keynote at the spring conference"}
GROUND_RULES = {
    "confidentiality": "What we discuss stays between us unless we both agree otherwise.",
    "positive_tone": "We keep a positive, constructive tone.",
    "no_wasted_time": "We come prepared, keep to time and avoid venting without purpose.",
    "feedback": "We ask for feedback, listen without defending, and give it with care.",
    "cancellation_notice_hours": 24, "response_time_hours": 48,
}

PROGRAM_SETTINGS = {"name": "Leaders 2027", "formats": ["one_to_one"], "organizations": ["acme"]}
PROGRAM = {
    "id": PROGRAM_ID, "status": "open", "policy_version": 1, "version": 1, **PROGRAM_SETTINGS,
    "length_weeks": 26, "cadence_days": 14, "acceptance_window_hours": 72, "unmatched_after_days": 14,
    "max_open_requests_per_mentee": 3, "partners_answer_for_people": True, "ground_rules": GROUND_RULES,
    "matching_policy": {"weights": {"learning": 40.0, "reciprocity": 20.0, "logistics": 20.0, "language": 10.0,
                                    "career_gap": 5.0, "outside_circle": 5.0},
                        "objective": "stable", "max_reproposals": 3},
    "matching_mode": "on_demand", "description": "",
}

PROFILE = {
    "roles": "mentee", "offers": [], "wants": ["public speaking"], "years_experience": 4, "career_stage": "early",
    "organization": "acme", "department": "finance", "time_zone": "Europe/Paris", "meeting_modes": ["video"],
    "availability": [{"weekday": 1, "start": "17:00", "end": "19:00"}], "languages": ["en"], "capacity": 1,
}
ENROLMENT = {"program_id": PROGRAM_ID, "name": "Ada Lovelace", "contact_email": "ada@example.com",
             "consent_given": True, "profile": PROFILE}
# Name and contact are sealed at rest and never answered here.
PARTICIPANT = {
    "id": MENTEE_ID, "program_id": PROGRAM_ID, "organization_id": "acme", "status": "active", "erased": False,
    "profile_version": 1, "version": 1, "open_requests": [], "pending_mentor_offer": None,
    "profile": {**PROFILE, "manager_id": None, "reporting_line": [], "location": "",
                "availability": [{"weekday": 1, "start": "17:00:00", "end": "19:00:00"}]},
}

NEW_REQUEST = {"program_id": PROGRAM_ID, "mentee_id": MENTEE_ID, "goals": [GOAL], "meeting_modes": ["video"]}
REQUEST: dict[str, Any] = {
    "id": REQUEST_ID, "program_id": PROGRAM_ID, "organization_id": "acme", "mentee_id": MENTEE_ID,
    "co_mentee_id": None, "co_mentee_ids": [], "format": "one_to_one", "goals": [GOAL], "meeting_modes": ["video"],
    "preferences": {"must_have": [], "avoid": []}, "named_mentor_id": None, "has_personal_message": False,
    "requested_at": "2027-01-04T09:30:00+00:00", "status": "pending", "version": 1,
}

# The second acceptance, the mentor's: the match is confirmed.
MATCH = {
    "id": MATCH_ID, "request_id": REQUEST_ID, "program_id": PROGRAM_ID, "mentee_id": MENTEE_ID,
    "mentor_id": MENTOR_ID, "status": "confirmed", "co_mentee_ids": [], "awaiting": [], "score": 77.5,
    "explanation": "both can meet by video; both work in UTC+1; mentor offers public speaking at expert level, "
                   "which is goal 1; they come from different departments",
    "provenance": {"factor_contributions": {"learning": 40.0, "reciprocity": 0.0, "logistics": 20.0,
                                            "language": 10.0, "career_gap": 5.0, "outside_circle": 2.5},
                   "mentee_profile_version": 1, "mentor_profile_version": 1, "policy_version": 1,
                   "algorithm": "on-demand-best-score/v1", "seed": 0},
    "accepted_by": ["mentee", "mentor"], "proposed_at": "2027-01-04T09:30:01+00:00",
    "expires_at": "2027-01-07T09:30:01+00:00", "reminded": False, "attempt": 1, "origin": "on_demand",
    "ended_reason": None, "version": 4,
}

AGREEMENT_TERMS: dict[str, Any] = {"goals": {MENTEE_ID: [GOAL]}, "end_date": "2027-04-30", "cadence_days": 14,
                   "logistics": {"meeting_mode": "video", "channel_or_place": "the team's video room"}}
AGREEMENT = {"version": 1, "proposed_by": MENTEE_ID, "signed_by": [],
             "terms": {**AGREEMENT_TERMS, "logistics": {**AGREEMENT_TERMS["logistics"], "time_zones": [],
                                                        "regular_slot": ""}}}
BOTH = [MENTEE_ID, MENTOR_ID]
FORMING: dict[str, Any] = {
    "id": REQUEST_ID, "program_id": PROGRAM_ID, "organization_id": "acme", "format": "one_to_one",
    "parties": [{"participant_id": MENTEE_ID, "role": "mentee", "organization_id": "acme"},
                {"participant_id": MENTOR_ID, "role": "mentor", "organization_id": "acme"}],
    "goals": [GOAL], "status": "forming", "cadence_days": 14, "end_date": "2027-07-05", "agreement_in_force": None,
    "agreements": [AGREEMENT], "ground_rules": {**GROUND_RULES, "added": []}, "ground_rules_acknowledged_by": [],
    "missing_for_activation": ["an agreement signed by both",
                               f"ground rules acknowledged by {MENTEE_ID}, {MENTOR_ID}"],
    "sessions": {}, "check_ins": [], "pairing_fit": {}, "outcome": None, "goal_outcomes": {}, "paid_forward_by": [],
    "version": 2, "next_timer_at": None,
}
SIGNED = {**FORMING, "end_date": AGREEMENT_TERMS["end_date"], "agreement_in_force": 1,
          "agreements": [{**AGREEMENT, "signed_by": BOTH}], "missing_for_activation": FORMING[
              "missing_for_activation"][1:], "version": 5}
ACTIVE = {**SIGNED, "status": "active", "ground_rules_acknowledged_by": BOTH, "missing_for_activation": [],
          "version": 8, "next_timer_at": "2027-02-02T10:00:00+00:00"}
NEW_SESSION = {"session_id": SESSION_ID, "starts_at": "2027-01-12T16:00:00+00:00", "minutes": 45, "mode": "video",
               "agenda": "the keynote's outline"}
SCHEDULED_SESSION = {key: value for key, value in NEW_SESSION.items() if key != "session_id"} | {
    "state": "scheduled", "reminded": False}
SCHEDULED = {**ACTIVE, "sessions": {SESSION_ID: SCHEDULED_SESSION}, "version": 9,
             "next_timer_at": "2027-01-11T16:00:00+00:00"}
HELD_SESSION = {"minutes": 50, "goals_touched": [0], "learned": {MENTEE_ID: ["open with a story"]}}
HELD = {**SCHEDULED, "version": 11, "next_timer_at": "2027-02-09T16:50:00+00:00", "sessions": {SESSION_ID: {
    **SCHEDULED_SESSION, **HELD_SESSION, "state": "held", "reminded": True, "held_at": "2027-01-12T16:50:00+00:00"}}}
CHECK_IN = {"fit": 5, "progress": 4, "comment": "the outline is ready"}
CHECKED_IN = {**HELD, "check_ins": [{"by": MENTEE_ID, "fit": 5, "progress": 4}], "version": 12}
CLOSE = {"outcome": "completed", "reason": "the keynote was given"}
CLOSED = {**CHECKED_IN, "status": "closed", "outcome": "completed", "version": 13, "next_timer_at": None}


def journey_step(summary: str, request: dict[str, Any] | None, response: dict[str, Any]) -> dict[str, Any]:
    return {"summary": summary, "request": request, "response": response}


# operationId -> the journey's step there: its request body (None: the operation takes none
# here) and its success answer.
EXAMPLES: dict[str, dict[str, Any]] = {
    "open_program": journey_step("An operator opens a program for acme", PROGRAM_SETTINGS, PROGRAM),
    "enrol": journey_step("acme enrols Ada as a mentee", ENROLMENT, PARTICIPANT),
    "request_mentorship": journey_step("Ada asks for help with one specific goal", NEW_REQUEST, REQUEST),
    "accept": journey_step("Grace accepts after Ada: the match is confirmed", None, MATCH),
    "propose_agreement": journey_step("Ada proposes the agreement's terms", AGREEMENT_TERMS, FORMING),
    "sign_agreement": journey_step("Both have signed version 1", {"version": 1}, SIGNED),
    "schedule": journey_step("Ada schedules their first session", NEW_SESSION, SCHEDULED),
    "held": journey_step("Grace marks the session held", HELD_SESSION, HELD),
    "check_in": journey_step("Ada checks in", CHECK_IN, CHECKED_IN),
    "close": journey_step("Ada closes the relationship as completed", CLOSE, CLOSED),
}


def document_examples(operation: dict[str, Any]) -> None:
    """Puts the journey's step on the operation, if it is one: on its JSON request body and
    its success answer."""
    step = EXAMPLES.get(operation.get("operationId", ""))
    if step is None:
        return
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None and step["request"] is not None:
        body["examples"] = {"journey": {"summary": step["summary"], "value": step["request"]}}
    for status, response in operation["responses"].items():
        if status.startswith("2") and "application/json" in response.get("content", {}):
            response["content"]["application/json"]["examples"] = {
                "journey": {"summary": step["summary"], "value": step["response"]}}
