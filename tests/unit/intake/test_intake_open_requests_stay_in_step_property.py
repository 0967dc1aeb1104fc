"""Property: one mentee opens, edits, withdraws and loses several requests at random while
the program and the mentee change too, and the topics the mentee keeps for duplicate
checks always equal those of their pending requests; withdrawn and closed requests are final.

Commands are composed as the application composes them (rules first, both aggregates
changed together); refused commands must record nothing and change nothing.
"""

import copy
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shared.errors import RuleViolated
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.request_edits import edit_request
from services.intake.domain.request_rules import check_can_request, goal_topics
from tests.unit.intake.test_intake_kit import enrolled, goals, new_request, open_program, preferences, state_of

CAP = 3
TOPICS = st.lists(st.sampled_from(["leadership", "Leadership ", "SQL", "sql", "negotiation", "hiring"]),
                  min_size=1, max_size=3, unique=True)
FINAL = ("withdrawn", "closed")


class OneMenteeManyRequests(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.program = open_program(cap=CAP)
        self.ada = enrolled(self.program, roles="both")
        self.grace = enrolled(self.program, roles="mentor")
        self.requests: list[MentorshipRequest] = []
        self.final_versions: dict[int, int] = {}
        for aggregate in (self.program, self.ada, self.grace):
            aggregate.collect_events()

    def aggregates(self) -> list[Any]:
        return [self.program, self.ada, *self.requests]

    def step(self, command: Any) -> None:
        before = [copy.deepcopy(state_of(aggregate)) for aggregate in self.aggregates()]
        try:
            command()
        except RuleViolated:
            for aggregate, state in zip(self.aggregates(), before, strict=True):
                assert aggregate.collect_events() == [], "a refused command records nothing"
                assert state_of(aggregate) == state, "a refused command changes nothing"
        for aggregate in self.aggregates():
            aggregate.collect_events()

    def pick(self, data: st.DataObject) -> MentorshipRequest:
        # Aggregates are not hashable, which sampled_from needs: draw a position instead.
        return self.requests[data.draw(st.integers(0, len(self.requests) - 1))]

    # --- requests --------------------------------------------------------------------------------

    @rule(topics=TOPICS)
    def open_a_request(self, topics: list[str]) -> None:
        def command() -> None:
            check_can_request(self.program, self.ada, None, None, "one_to_one", goals(*topics))
            request = new_request(self.program, self.ada, topics=tuple(topics))
            self.ada.note_request_opened(request.id, sorted(goal_topics(request.goals)))
            self.requests.append(request)

        self.step(command)

    @precondition(lambda self: bool(self.requests))
    @rule(data=st.data(), topics=TOPICS)
    def edit_a_request(self, data: st.DataObject, topics: list[str]) -> None:
        request = self.pick(data)
        self.step(lambda: edit_request(request, self.ada, goals(*topics), ["chat"], preferences()))

    @precondition(lambda self: bool(self.requests))
    @rule(data=st.data(), ending=st.sampled_from(["withdraw", "mark_matched", "mark_closed"]))
    def end_a_request(self, data: st.DataObject, ending: str) -> None:
        request = self.pick(data)

        def command() -> None:
            if ending == "mark_matched":
                request.mark_matched(self.grace.id)
            else:
                getattr(request, ending)()
            self.ada.note_request_settled(request.id)

        self.step(command)

    # --- the program and the mentee --------------------------------------------------------------

    @rule(command=st.sampled_from(["pause", "reopen", "close"]))
    def steer_the_program(self, command: str) -> None:
        self.step(getattr(self.program, command))

    @rule(command=st.sampled_from(["pause", "resume", "withdraw", "erase"]))
    def the_mentee_changes(self, command: str) -> None:
        self.step(getattr(self.ada, command))

    # --- invariants ------------------------------------------------------------------------------

    def pending(self) -> list[MentorshipRequest]:
        return [request for request in self.requests if request.status == "pending"]

    @invariant()
    def the_mentee_keeps_exactly_the_topics_of_their_pending_requests(self) -> None:
        if self.ada.status == "withdrawn":
            assert self.ada.open_requests == {}, "someone who left asks for nothing"
            return
        assert self.ada.open_requests == {
            str(request.id): sorted(goal_topics(request.goals)) for request in self.pending()}

    @invariant()
    def no_two_pending_requests_ask_for_the_same_topics_and_none_above_the_cap(self) -> None:
        topic_sets = [goal_topics(request.goals) for request in self.pending()]
        assert len(topic_sets) == len(set(topic_sets)) and len(topic_sets) <= CAP

    @invariant()
    def withdrawn_and_closed_requests_never_change_again(self) -> None:
        for request in self.requests:
            if request.status in FINAL:
                first_seen = self.final_versions.setdefault(id(request), request.version)
                assert request.version == first_seen

    @invariant()
    def an_erased_mentee_keeps_no_sealed_personal_data(self) -> None:
        if self.ada.erased:
            assert self.ada.personal_ciphertext is None


OneMenteeManyRequests.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
test_a_mentees_open_requests_stay_in_step_with_their_requests = OneMenteeManyRequests.TestCase
