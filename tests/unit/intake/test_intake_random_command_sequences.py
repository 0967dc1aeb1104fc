"""Property: random sequences of commands on a program, a participant and one of their
mentorship requests never break intake's rules, and replaying the recorded events always
rebuilds exactly the state the commands produced.

Commands follow the application's flows: a request is opened only after check_can_request
and noted on the mentee; it is edited with edit_request (request and mentee together);
withdrawing, matching or closing a request settles it on the mentee.
Refused commands (RuleViolated) are expected; they must record nothing and change nothing.
The cap is kept fixed (settings changes vary other terms), so "never above the cap" is exact.
"""

import copy
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shared.errors import RuleViolated
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.request_edits import edit_request
from services.intake.domain.request_rules import check_can_request, goal_topics
from services.intake.publishing import to_public
from tests.unit.intake.test_intake_kit import (
    MESSAGE_CIPHERTEXT,
    PERSONAL_CIPHERTEXT,
    enrolled,
    goals,
    new_request,
    open_program,
    preferences,
    profile_for,
    program_settings,
    replay,
    state_of,
)

CAP = 2
TOPICS = st.sets(st.sampled_from(["leadership", "Leadership ", "SQL", "sql", "negotiation", "public speaking"]),
                 min_size=1, max_size=3)
REQUEST_CONTENT = ("goals", "meeting_modes", "preferences", "named_mentor_id", "mentee_id", "format")


class IntakeCommandSequences(RuleBasedStateMachine):
    @initialize(roles=st.sampled_from(["mentee", "both"]))
    def start(self, roles: str) -> None:
        self.program = open_program(formats=("one_to_one",), cap=CAP)
        self.ada = enrolled(self.program, roles=roles)
        self.grace = enrolled(self.program, roles="mentor")
        check_can_request(self.program, self.ada, None, self.grace, "one_to_one", goals("leadership"))
        self.request = new_request(self.program, self.ada, named_mentor=self.grace, message=MESSAGE_CIPHERTEXT)
        self.ada.note_request_opened(self.request.id, sorted(goal_topics(self.request.goals)))
        self.aggregates = {"program": self.program, "ada": self.ada, "request": self.request}
        self.history: dict[str, list[Any]] = {name: [] for name in self.aggregates}
        self.rebuilt: dict[str, Any] = {name: None for name in self.aggregates}
        self.grace.collect_events()
        self.record()
        self.ever_withdrawn = False

    # --- bookkeeping ---------------------------------------------------------------------------

    def record(self) -> dict[str, list[Any]]:
        """Collects new events, replays them one by one and publishes each with the state it made."""
        new = {}
        for name, aggregate in self.aggregates.items():
            events = aggregate.collect_events()
            for event in events:
                self.rebuilt[name] = event.mutate(self.rebuilt[name])
                public = to_public(event, self.rebuilt[name])
                if public is not None:
                    text = public.contract.model_dump_json()
                    assert PERSONAL_CIPHERTEXT not in text and MESSAGE_CIPHERTEXT not in text
            self.history[name] += events
            new[name] = events
        return new

    def step(self, command: Any) -> bool:
        before = {name: copy.deepcopy(state_of(aggregate)) for name, aggregate in self.aggregates.items()}
        try:
            command()
            refused = False
        except RuleViolated:
            refused = True
        new = self.record()
        if refused:
            for name, aggregate in self.aggregates.items():
                assert new[name] == [], f"a refused command recorded events on {name}"
                assert state_of(aggregate) == before[name], f"a refused command changed {name}"
        self.check_transitions(before, new)
        return not refused

    def check_transitions(self, before: dict[str, dict[str, Any]], new: dict[str, list[Any]]) -> None:
        program, ada, request = before["program"], before["ada"], before["request"]
        if program["status"] == "closed":
            assert self.program.status == "closed", "a closed program never changes status again"
            assert new["program"] == [] and state_of(self.program) == program
        if ada["erased"]:
            assert new["ada"] == [], "an erased participant never changes again"
            assert state_of(self.ada) == ada
        if self.ever_withdrawn:
            assert self.ada.status == "withdrawn", "a withdrawn participant never comes back"
        self.ever_withdrawn = self.ever_withdrawn or self.ada.status == "withdrawn"
        if request["status"] != "pending":
            assert self.request.status != "pending", "a request never goes back to pending"
            for field in REQUEST_CONTENT:
                assert getattr(self.request, field) == request[field], f"{field} changed after pending"
            assert getattr(self.request, "mentor_id", None) == request.get("mentor_id")
            assert self.request.status in (request["status"], "closed"), "a settled request may only close"
        if request["status"] == "closed":
            assert new["request"] == [] and state_of(self.request) == request, "a closed request is final"

    # --- the program -----------------------------------------------------------------------------

    @rule()
    def pause_program(self) -> None:
        self.step(self.program.pause)

    @rule()
    def reopen_program(self) -> None:
        self.step(self.program.reopen)

    @rule()
    def close_program(self) -> None:
        self.step(self.program.close)

    @rule(cadence=st.integers(1, 90), weeks=st.integers(1, 52))
    def change_program_settings(self, cadence: int, weeks: int) -> None:
        policy = self.program.policy_version
        if self.step(lambda: self.program.change_settings(
                program_settings(cap=CAP, cadence_days=cadence, length_weeks=weeks))):
            assert self.program.policy_version == policy + 1

    # --- the participant -------------------------------------------------------------------------

    @rule()
    def pause_participant(self) -> None:
        self.step(self.ada.pause)

    @rule()
    def resume_participant(self) -> None:
        self.step(self.ada.resume)

    @rule()
    def withdraw_participant(self) -> None:
        self.step(self.ada.withdraw)

    @rule()
    def erase_participant(self) -> None:
        self.step(self.ada.erase)

    @rule(roles=st.sampled_from(["mentee", "both", "mentor"]), capacity=st.integers(1, 5))
    def update_participant_profile(self, roles: str, capacity: int) -> None:
        version = self.ada.profile_version
        if self.step(lambda: self.ada.update_profile(profile_for(roles, capacity=capacity))):
            assert self.ada.profile_version == version + 1

    @rule()
    def offer_to_mentor(self) -> None:
        self.step(lambda: self.ada.offer_to_mentor(uuid4()))

    @rule()
    def confirm_mentor_enrolment(self) -> None:
        version = self.ada.profile_version
        if self.step(self.ada.confirm_mentor_enrolment):
            assert (self.ada.roles, self.ada.profile_version, self.ada.pending_mentor_offer) == (
                "both", version + 1, None)

    def open_request_for(self, wanted: list[dict[str, str]], named_mentor: Any = None) -> None:
        def command() -> None:
            check_can_request(self.program, self.ada, None, named_mentor, "one_to_one", wanted)
            self.ada.note_request_opened(uuid4(), sorted(goal_topics(wanted)))

        self.step(command)

    @rule(topics=TOPICS)
    def open_another_request(self, topics: set[str]) -> None:
        self.open_request_for(goals(*sorted(topics)))

    @rule(topics=TOPICS)
    def open_another_request_naming_the_mentor(self, topics: set[str]) -> None:
        self.open_request_for(goals(*sorted(topics)), named_mentor=self.grace)

    @rule(n=st.integers(0, 1000))
    def open_a_request_for_fresh_topics(self, n: int) -> None:
        self.open_request_for(goals(f"fresh topic {n}"))

    @precondition(lambda self: bool(self.ada.open_requests))
    @rule(data=st.data())
    def settle_an_open_request(self, data: st.DataObject) -> None:
        # Insertion order, not sorted ids: the ids are random, and the choice must replay the same.
        chosen = data.draw(st.sampled_from(list(self.ada.open_requests)))
        self.step(lambda: self.ada.note_request_settled(UUID(chosen)))

    @rule()
    def settle_an_unknown_request(self) -> None:
        self.step(lambda: self.ada.note_request_settled(uuid4()))

    # --- the request -----------------------------------------------------------------------------

    @rule(topics=TOPICS, mode=st.sampled_from(["video", "phone", "chat", "in_person"]))
    def edit_request(self, topics: set[str], mode: str) -> None:
        self.step(lambda: edit_request(self.request, self.ada, goals(*sorted(topics)), [mode], preferences()))

    @rule(count=st.sampled_from([0, 6]))
    def edit_request_to_a_wrong_number_of_goals(self, count: int) -> None:
        wanted = goals(*(f"topic {n}" for n in range(count)))
        assert not self.step(lambda: edit_request(self.request, self.ada, wanted, ["video"], preferences()))

    @rule()
    def withdraw_request(self) -> None:
        def command() -> None:
            self.request.withdraw()
            self.ada.note_request_settled(self.request.id)

        self.step(command)

    @rule()
    def mark_request_matched(self) -> None:
        def command() -> None:
            self.request.mark_matched(self.grace.id)
            self.ada.note_request_settled(self.request.id)

        self.step(command)

    @rule()
    def mark_request_closed(self) -> None:
        def command() -> None:
            self.request.mark_closed()
            self.ada.note_request_settled(self.request.id)

        self.step(command)

    # --- invariants after every step -------------------------------------------------------------

    @invariant()
    def the_mentee_is_never_above_the_open_request_cap(self) -> None:
        assert len(self.ada.open_requests) <= CAP

    @invariant()
    def no_two_open_requests_ask_for_the_same_topics(self) -> None:
        topic_sets = [frozenset(topics) for topics in self.ada.open_requests.values()]
        assert len(topic_sets) == len(set(topic_sets))

    @invariant()
    def an_erased_participant_holds_no_personal_data(self) -> None:
        if self.ada.erased:
            assert self.ada.personal_ciphertext is None
            assert self.ada.status == "withdrawn" and self.ada.open_requests == {}
        else:
            assert self.ada.personal_ciphertext == PERSONAL_CIPHERTEXT

    @invariant()
    def a_withdrawn_participant_never_becomes_active_again(self) -> None:
        if self.ever_withdrawn:
            assert self.ada.status == "withdrawn" and not self.ada.is_active

    @invariant()
    def a_request_that_is_no_longer_open_is_not_counted_on_the_mentee(self) -> None:
        if self.request.status != "pending":
            assert str(self.request.id) not in self.ada.open_requests

    @invariant()
    def the_mentee_counts_the_request_under_the_topics_it_asks_for_now(self) -> None:
        noted = self.ada.open_requests.get(str(self.request.id))
        if noted is not None:
            assert frozenset(noted) == goal_topics(self.request.goals)

    @invariant()
    def statuses_stay_within_their_vocabularies(self) -> None:
        assert self.program.status in ("open", "paused", "closed")
        assert self.ada.status in ("active", "paused", "withdrawn")
        assert self.request.status in ("pending", "matched", "withdrawn", "closed")

    @invariant()
    def replaying_the_recorded_events_rebuilds_the_same_state(self) -> None:
        for name, aggregate in self.aggregates.items():
            assert state_of(self.rebuilt[name]) == state_of(aggregate), name
            assert self.rebuilt[name].version == len(self.history[name])

    def teardown(self) -> None:
        if not hasattr(self, "aggregates"):
            return
        for name, aggregate in self.aggregates.items():
            from_scratch = replay(self.history[name])
            assert state_of(from_scratch) == state_of(aggregate), name
        assert isinstance(replay(self.history["request"]), MentorshipRequest)


IntakeCommandSequences.TestCase.settings = settings(
    max_examples=300, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
test_intake_random_command_sequences_keep_every_invariant = IntakeCommandSequences.TestCase
