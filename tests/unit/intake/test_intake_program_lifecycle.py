"""A program opens, pauses, reopens, changes its settings and closes for good."""

import pytest

from services.intake.domain.program import Program
from tests.unit.intake.test_intake_kit import (
    an_id,
    names,
    open_program,
    program_settings,
    refused,
    replay,
    settled,
    state_of,
)


def test_a_new_program_is_open_at_policy_version_one_and_records_that_it_opened():
    settings = program_settings()
    leaders = Program(id=(ident := an_id()), settings=settings)
    assert (leaders.id, leaders.status, leaders.policy_version, leaders.version) == (ident, "open", 1, 1)
    assert leaders.settings == settings
    assert names(leaders.collect_events()) == ["ProgramOpened"]


def test_a_program_reads_its_name_formats_and_organizations_from_its_settings():
    leaders = open_program(formats=("one_to_one", "group"), organizations=("acme",))
    assert leaders.name == "Leaders of tomorrow"
    assert leaders.allows_format("group") and leaders.allows_format("one_to_one")
    assert not leaders.allows_format("reciprocal")
    assert leaders.includes_organization("acme") and not leaders.includes_organization("globex")


def test_the_terms_are_the_settings_without_the_description_meant_for_people():
    leaders = open_program()
    assert "description" in leaders.settings
    assert "description" not in leaders.terms
    assert leaders.terms == {k: v for k, v in leaders.settings.items() if k != "description"}


def test_an_open_program_can_be_paused():
    leaders = open_program()
    settled(leaders)
    leaders.pause()
    assert leaders.status == "paused"
    assert names(leaders.collect_events()) == ["ProgramStatusChanged"]


def test_pausing_a_program_that_is_already_paused_is_refused():
    leaders = open_program()
    leaders.pause()
    refused("program-already-paused", leaders.pause, leaders)
    assert leaders.status == "paused"


def test_a_paused_program_can_be_reopened():
    leaders = open_program()
    leaders.pause()
    settled(leaders)
    leaders.reopen()
    assert leaders.status == "open"
    assert names(leaders.collect_events()) == ["ProgramStatusChanged"]


def test_reopening_a_program_that_is_already_open_is_refused():
    leaders = open_program()
    refused("program-already-open", leaders.reopen, leaders)
    assert leaders.status == "open"


def test_a_program_can_pause_and_reopen_many_times():
    leaders = open_program()
    for _ in range(3):
        leaders.pause()
        leaders.reopen()
    assert leaders.status == "open"
    assert leaders.policy_version == 1, "status changes are not policy changes"


@pytest.mark.parametrize("paused_first", [False, True], ids=["from-open", "from-paused"])
def test_a_program_can_be_closed_whether_open_or_paused(paused_first):
    leaders = open_program()
    if paused_first:
        leaders.pause()
    settled(leaders)
    leaders.close()
    assert leaders.status == "closed"
    assert names(leaders.collect_events()) == ["ProgramStatusChanged"]


@pytest.mark.parametrize("command", ["pause", "reopen", "close", "change_settings"])
def test_closing_is_final_every_later_command_on_a_closed_program_is_refused(command):
    leaders = open_program()
    leaders.close()
    act = {
        "pause": leaders.pause,
        "reopen": leaders.reopen,
        "close": leaders.close,
        "change_settings": lambda: leaders.change_settings(program_settings(cap=5)),
    }[command]
    refused("program-closed", act, leaders)
    assert leaders.status == "closed"


def test_a_program_closed_while_paused_cannot_be_reopened():
    leaders = open_program()
    leaders.pause()
    leaders.close()
    refused("program-closed", leaders.reopen, leaders)


def test_changing_the_settings_replaces_them_and_bumps_the_policy_version():
    leaders = open_program(cap=3)
    settled(leaders)
    changed = program_settings(cap=5, cadence_days=21)
    leaders.change_settings(changed)
    assert leaders.settings == changed
    assert leaders.policy_version == 2
    assert names(leaders.collect_events()) == ["ProgramSettingsChanged"]


def test_every_settings_change_bumps_the_policy_version_once():
    leaders = open_program()
    for expected in (2, 3, 4):
        leaders.change_settings(program_settings(cap=expected))
        assert leaders.policy_version == expected


def test_settings_can_be_changed_while_paused_and_the_program_stays_paused():
    leaders = open_program()
    leaders.pause()
    leaders.change_settings(program_settings(cap=7))
    assert (leaders.status, leaders.policy_version, leaders.settings["max_open_requests_per_mentee"]) == (
        "paused", 2, 7)


def test_a_program_rebuilt_from_its_events_has_the_same_state():
    leaders = open_program()
    leaders.pause()
    leaders.change_settings(program_settings(cap=4))
    leaders.reopen()
    leaders.close()
    events = leaders.collect_events()
    assert names(events) == ["ProgramOpened", "ProgramStatusChanged", "ProgramSettingsChanged",
                             "ProgramStatusChanged", "ProgramStatusChanged"]
    rebuilt = replay(events)
    assert isinstance(rebuilt, Program)
    assert state_of(rebuilt) == state_of(leaders)
    assert (rebuilt.status, rebuilt.policy_version, rebuilt.version) == ("closed", 2, 5)
