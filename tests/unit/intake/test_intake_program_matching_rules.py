"""A program's switchable matching rules are part of its settings, checked at the boundary."""

import pytest
from pydantic import ValidationError

from services.intake.schemas import ProgramSettings

BASE = {"name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}


def test_the_rules_default_to_the_permissive_ones():
    rules = ProgramSettings(**BASE).matching_policy.rules
    assert (rules.same_organization, rules.shared_language, rules.max_time_zone_gap_hours) == (True, False, None)


def test_a_program_switches_them():
    rules = ProgramSettings(**BASE, matching_policy={"rules": {
        "same_organization": False, "shared_language": True, "max_time_zone_gap_hours": 4}}).matching_policy.rules
    assert (rules.same_organization, rules.shared_language, rules.max_time_zone_gap_hours) == (False, True, 4)


@pytest.mark.parametrize("rules", [{"max_time_zone_gap_hours": 13}, {"shared_language": "yes"},
                                   {"reporting_line": False}])
def test_an_impossible_window_a_word_for_a_switch_or_an_unknown_rule_is_refused(rules):
    with pytest.raises(ValidationError):
        ProgramSettings(**BASE, matching_policy={"rules": rules})
