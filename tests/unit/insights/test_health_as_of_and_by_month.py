"""Reading the figures as they were at a moment, and split by calendar month."""

from datetime import datetime

from services.insights.health import HealthBook
from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import agreed_and_active, held, matched_pair, started


def one_life() -> tuple[ProgramStory, object]:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    started(story, pair, T0 + 3 * HOUR)
    agreed_and_active(story, pair, T0 + 5 * DAY)
    held(story, pair, T0 + 12 * DAY)
    story.fact("RelationshipClosed", pair.request, T0 + 40 * DAY, outcome="completed")
    return story, pair


def states(book: HealthBook, program: str, at: datetime) -> dict:
    relationships = book.program(program, as_of=at)["overall"]["relationships"]
    return {s: relationships[s] for s in ("forming", "active", "closed") if relationships[s]}


def test_as_of_in_the_middle_of_a_life_reads_the_state_it_was_in_then() -> None:
    story, _ = one_life()
    book, program = folded(story.events), str(story.program)

    assert book.program(program, as_of=T0 + HOUR)["overall"]["requests"]["open"] == 1
    assert states(book, program, T0 + 2 * DAY) == {"forming": 1}
    assert states(book, program, T0 + 20 * DAY) == {"active": 1}
    assert states(book, program, T0 + 41 * DAY) == {"closed": 1}


def test_as_of_leaves_out_later_sessions_and_durations_not_yet_complete() -> None:
    story, _ = one_life()
    book, program = folded(story.events), str(story.program)

    before_first_session = book.program(program, as_of=T0 + 10 * DAY)["overall"]
    assert before_first_session["attendance"]["sessions_held"] == 0
    assert (
        before_first_session["relationship_timing"]["agreement_to_first_session_seconds"]["p50"]
        is None
    )
    assert book.program(program, as_of=T0 + 12 * DAY)["overall"]["attendance"]["sessions_held"] == 1


def test_as_of_before_the_program_existed_reads_nothing_yet() -> None:
    story, _ = one_life()
    early = folded(story.events).program(str(story.program), as_of=T0.replace(year=2026))
    assert early["overall"]["participants"]["enrolled"] == 0
    assert early["by_month"] == {}


def test_figures_split_by_the_month_each_thing_happened_in() -> None:
    story, pair = one_life()
    held(story, pair, T0 + 30 * DAY)  # February 3
    february = T0 + 28 * DAY
    late = story.request(story.enrol("mentee", "acme", february), "acme", february)
    story.unmatched(late, february + 14 * DAY)

    months = folded(story.events).program(str(story.program))["by_month"]

    assert sorted(months) == ["2027-01", "2027-02"]
    assert (
        months["2027-01"]["requests"]["matched"] == 1
        and months["2027-01"]["requests"]["match_rate"] == 1.0
    )
    assert (
        months["2027-02"]["requests"]["unmatched"] == 1
        and months["2027-02"]["requests"]["match_rate"] == 0.0
    )
    assert months["2027-01"]["attendance"]["sessions_held"] == 1
    assert months["2027-02"]["attendance"]["sessions_held"] == 1
    # Running Jan 9 11:00 to Feb 13 09:00 at the program's 14 days; one session each month:
    # January expects 22.54 / 14 = 1.61 sessions, February 12.375 / 14 = 0.88 (met, capped at 1).
    assert months["2027-01"]["cadence"]["cadence_adherence"] == round(1 / ((22 + 13 / 24) / 14), 4)
    assert months["2027-02"]["cadence"]["cadence_adherence"] == 1.0
    assert months["2027-02"]["cadence"]["expected_per_relationship_month"] == round(
        (12 + 9 / 24) / 14, 4
    )
    assert months["2027-02"]["participants"]["enrolled"] == 1
