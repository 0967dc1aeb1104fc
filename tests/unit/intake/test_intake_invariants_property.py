"""Random command sequences never leave an intake aggregate in a state its rules forbid,
and replaying the recorded events always rebuilds the same state."""

from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import RuleViolated
from tests.unit.intake.builders import goals, person, program, request

PROGRAM_COMMANDS = ["pause", "reopen", "close", "change"]
PERSON_COMMANDS = ["pause", "resume", "withdraw", "erase", "update", "open", "settle", "offer", "confirm"]
REQUEST_COMMANDS = ["update", "withdraw", "matched", "closed"]


def replay(events):  # noqa: ANN001
    state = None
    for event in events:
        state = event.mutate(state)
    return state


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PROGRAM_COMMANDS), max_size=12))
def test_a_closed_program_never_changes_again(commands):
    leaders = program()
    history = list(leaders.collect_events())
    closed_seen = False
    for command in commands:
        before = (leaders.status, leaders.policy_version)
        try:
            {"pause": leaders.pause, "reopen": leaders.reopen, "close": leaders.close,
             "change": lambda: leaders.change_settings(leaders.settings)}[command]()
        except RuleViolated:
            assert (leaders.status, leaders.policy_version) == before
        if closed_seen:
            assert leaders.status == "closed" and (leaders.status, leaders.policy_version) == before
        closed_seen = closed_seen or leaders.status == "closed"
        history += leaders.collect_events()
    rebuilt = replay(history)
    assert (rebuilt.status, rebuilt.policy_version, rebuilt.version) == (
        leaders.status, leaders.policy_version, leaders.version)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PERSON_COMMANDS), max_size=15))
def test_a_participant_never_breaks_its_rules(commands):
    leaders = program(cap=2)
    ada = person(leaders)
    history = list(ada.collect_events())
    opened: list = []
    for command in commands:
        was_erased, was_withdrawn = ada.erased, ada.status == "withdrawn"
        try:
            if command == "open":
                if len(ada.open_requests) < 2:  # the application checks the cap first
                    opened.append(uuid4())
                    ada.note_request_opened(opened[-1], ["t"])
            elif command == "settle" and opened:
                ada.note_request_settled(opened.pop())
            elif command == "update":
                ada.update_profile(ada.profile)
            elif command == "offer":
                ada.offer_to_mentor(uuid4())
            elif command == "confirm":
                ada.confirm_mentor_enrolment()
            elif command != "settle":
                getattr(ada, command)()
        except RuleViolated:
            pass
        events = ada.collect_events()
        if was_erased:
            assert events == [], "an erased participant never changes again"
        if was_withdrawn:
            assert ada.status == "withdrawn"
        if ada.erased:
            assert ada.personal_ciphertext is None
        assert len(ada.open_requests) <= 2
        history += events
    rebuilt = replay(history)
    assert (rebuilt.status, rebuilt.erased, rebuilt.open_requests, rebuilt.profile, rebuilt.version) == (
        ada.status, ada.erased, ada.open_requests, ada.profile, ada.version)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(REQUEST_COMMANDS), max_size=10))
def test_a_request_that_left_pending_never_changes_its_goals_again(commands):
    leaders = program()
    ask = request(leaders, person(leaders))
    history = list(ask.collect_events())
    for command in commands:
        before = (ask.status, ask.goals)
        try:
            {"update": lambda: ask.update(goals(f"t{len(history)}"), ["video"], {}), "withdraw": ask.withdraw,
             "matched": lambda: ask.mark_matched(uuid4()), "closed": ask.mark_closed}[command]()
        except RuleViolated:
            assert (ask.status, ask.goals) == before
        if before[0] != "pending":
            assert ask.goals == before[1]
        history += ask.collect_events()
    assert replay(history).status == ask.status
