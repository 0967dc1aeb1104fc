"""A program switches its optional hard rules (issue 8): a mentor from the mentee's own
organization, a language both speak, a time-zone window. Each refusal names its rule; the
ban on a person's own reporting line stays whatever the program says."""

from services.matching.domain.hard_rules import refusing_rule
from services.matching.domain.pool import ProgramRules
from tests.unit.matching.people import candidate, mentee, open_request

OWN_ORGANIZATION_OFF = ProgramRules(same_organization=False)


def test_by_default_a_mentor_of_the_mentees_own_organization_far_away_speaking_another_language_is_allowed():
    ada = mentee(organization="acme", languages=frozenset({"fr"}), time_zone="Asia/Tokyo")
    grace = candidate(organization="acme", languages=frozenset({"en"}), time_zone="America/New_York")
    assert refusing_rule(open_request(ada), ada, grace, {}) is None


def test_a_program_may_pair_people_of_different_organizations_only():
    ada, colleague, outsider = mentee(organization="acme"), candidate(organization="acme"), candidate()
    request = open_request(ada, rules=OWN_ORGANIZATION_OFF)
    assert refusing_rule(request, ada, colleague, {}) == (
        "same_organization_allowed", "the program pairs people of different organizations only")
    assert refusing_rule(request, ada, outsider, {}) is None


def test_a_program_may_ask_for_a_language_both_speak():
    ada = mentee(languages=frozenset({"fr", "de"}))
    request = open_request(ada, rules=ProgramRules(shared_language=True))
    assert refusing_rule(request, ada, candidate(languages=frozenset({"en"})), {}) == (
        "shared_language", "the program asks for a language both speak")
    assert refusing_rule(request, ada, candidate(languages=frozenset({"en", "de"})), {}) is None


def test_a_program_may_set_a_time_zone_window():
    ada = mentee(time_zone="Europe/Paris")
    request = open_request(ada, rules=ProgramRules(max_time_zone_gap_hours=3))
    assert refusing_rule(request, ada, candidate(time_zone="America/New_York"), {}) == (
        "time_zone_window", "the program pairs people at most 3 hours apart")
    assert refusing_rule(request, ada, candidate(time_zone="Europe/Helsinki"), {}) is None


def test_the_reporting_line_ban_holds_whatever_the_program_switches():
    boss = candidate(organization="acme")
    ada = mentee(organization="acme", manager_id=boss.participant_id)
    request = open_request(ada, rules=ProgramRules(same_organization=True, shared_language=False))
    assert refusing_rule(request, ada, boss, {})[0] == "outside_reporting_line"
