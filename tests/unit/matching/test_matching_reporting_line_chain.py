"""The reporting-line ban follows the chain of managers as far as the partners declared
it, whoever along it is enrolled; and a request refused only by it says so."""

from dataclasses import replace
from uuid import uuid4

from services.matching.domain.candidate_edges import candidate_edges
from services.matching.domain.hard_rules import outside_reporting_line, refusal, refusing_rule
from services.matching.domain.no_fit import why_no_mentor_fits
from services.matching.domain.replicas import candidate_from
from services.matching.domain.reporting_line import Declared, line_above, managers_of
from services.matching.domain.selection import rank
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request

SAME_LINE = "the two are in the same reporting line"


def test_a_skip_level_manager_is_refused_when_the_direct_manager_never_enrolled():
    # Ada's manager is nobody matching knows; Ada's profile declares who is above them.
    absent_manager = uuid4()
    grace = candidate()
    ada = mentee(manager_id=absent_manager, reporting_line=(grace.participant_id,))
    managers = managers_of([ada, grace])
    assert refusal(open_request(ada), ada, grace, managers) == SAME_LINE
    assert rank(open_request(ada), ada, [grace], managers, WEIGHTS) == []


def test_the_pairs_own_declarations_count_even_when_the_callers_map_lacks_them():
    grace = candidate()
    ada = mentee(manager_id=uuid4(), reporting_line=(uuid4(), grace.participant_id))
    assert outside_reporting_line(open_request(ada), ada, grace, {}) == SAME_LINE


def test_the_line_runs_through_a_manager_enrolled_only_as_a_mentee():
    grace = candidate()
    middle = mentee(manager_id=grace.participant_id)  # in the pool, never offered as a mentor
    ada = mentee(manager_id=middle.participant_id)
    managers = managers_of([ada, grace, middle])  # the whole pool's profiles, not just the mentors
    assert refusal(open_request(ada), ada, grace, managers) == SAME_LINE


def test_a_mentor_below_the_mentee_however_far_down_is_refused():
    ada = mentee()
    steps = [uuid4() for _ in range(4)]
    grace = candidate(manager_id=steps[0], reporting_line=(*steps[1:], ada.participant_id))
    assert refusal(open_request(ada), ada, grace, managers_of([ada, grace])) == SAME_LINE


def test_someone_outside_the_declared_line_may_still_pair():
    grace, other = candidate(), candidate()
    ada = mentee(manager_id=uuid4(), reporting_line=(other.participant_id,))
    assert refusal(open_request(ada), ada, grace, managers_of([ada, grace, other])) is None


def test_a_cycle_in_what_was_declared_ends_the_line_instead_of_looping():
    one, two = uuid4(), uuid4()
    assert line_above(one, {one: two, two: one}) == [two]


def test_a_persons_own_profile_is_the_word_on_their_manager():
    ada, real, claimed = uuid4(), uuid4(), uuid4()
    someone = Declared(uuid4(), manager_id=ada, reporting_line=(claimed,))  # says ada reports to claimed
    links = managers_of([someone, Declared(ada, manager_id=real)])
    assert links[ada] == real


def test_the_profile_contract_carries_the_line_into_the_candidate():
    boss, top = uuid4(), uuid4()
    profile = {"roles": "mentee", "years_experience": 3, "organization": "acme", "time_zone": "Europe/Paris",
               "meeting_modes": ["video"], "languages": ["en"], "capacity": 1, "manager_id": str(boss),
               "reporting_line": [str(top)]}
    person = candidate_from(uuid4(), uuid4(), profile, 1, True, 0)
    assert (person.manager_id, person.reporting_line) == (boss, (top,))
    assert candidate_from(uuid4(), uuid4(), {**profile, "reporting_line": []}, 1, True, 0).reporting_line == ()


def test_whole_pool_runs_refuse_the_same_skip_level_pair():
    grace, other = candidate(), candidate(department="ops")
    ada = mentee(manager_id=uuid4(), reporting_line=(grace.participant_id,))
    request = open_request(ada)
    edges = candidate_edges([(request, ada)], [grace, other], {}, WEIGHTS)
    assert [edge.mentor for edge in edges] == [other.participant_id]


def test_the_refusal_names_the_rule_that_refused():
    grace = candidate()
    ada = mentee(manager_id=grace.participant_id)
    assert refusing_rule(open_request(ada), ada, grace, managers_of([ada, grace])) == (
        "outside_reporting_line", SAME_LINE)


def test_a_request_whose_only_mentor_is_in_its_reporting_line_is_told_so_and_does_not_wait():
    grace = candidate()
    ada = mentee(manager_id=uuid4(), reporting_line=(grace.participant_id,))
    no_fit = why_no_mentor_fits(open_request(ada), ada, [grace], managers_of([ada, grace]))
    assert SAME_LINE in no_fit.reason and "(1 mentor)" in no_fit.reason
    assert not no_fit.can_wait  # time does not change a reporting line


def test_the_reason_lists_every_refusing_rule_most_mentors_first():
    ada = mentee(manager_id=uuid4())
    boss = candidate()
    ada = replace(ada, reporting_line=(boss.participant_id,))
    full = [candidate(capacity=1, load=1), candidate(capacity=2, load=2)]
    no_fit = why_no_mentor_fits(open_request(ada), ada, [boss, *full], managers_of([ada, boss, *full]))
    assert no_fit.reason == ("no mentor in the program meets the hard rules for this request: "
                             "the mentor has no capacity left (2 mentors); "
                             "the two are in the same reporting line (1 mentor)")
    assert no_fit.can_wait  # a seat may free
