"""'Not a good fit' with a rematch, and relationships that pause or go quiet."""

from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import agreed_and_active, held, matched_pair, started


def test_a_not_a_good_fit_close_with_a_rematch_follows_the_new_request_to_its_outcome() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    started(story, pair, T0 + 3 * HOUR)
    agreed_and_active(story, pair, T0 + DAY)
    fine = matched_pair(story, T0)
    started(story, fine, T0 + 3 * HOUR)
    story.fact(
        "PairingFitReported", pair.request, T0 + 10 * DAY, by=pair.mentee, answer="not_a_good_fit"
    )
    story.fact(
        "RelationshipClosed", pair.request, T0 + 11 * DAY, outcome="no_fit", closed_by=pair.mentee
    )
    story.fact(
        "RematchRequested",
        pair.request,
        T0 + 11 * DAY,
        mentee_id=pair.mentee,
        excluded_mentor_id=pair.mentor,
    )
    # Intake opens the new request with the same goals, avoiding the previous mentor.
    again = story.request(
        pair.mentee, "acme", T0 + 11 * DAY + HOUR, avoid=(f"participant:{pair.mentor}",)
    )
    other_mentor = story.enrol("mentor", "acme", T0 + 11 * DAY)
    proposal = story.propose(again, pair.mentee, other_mentor, T0 + 12 * DAY)
    story.answer("accept", proposal, again, T0 + 12 * DAY, by="mentee")
    story.answer("accept", proposal, again, T0 + 13 * DAY, by="mentor")
    story.confirm(proposal, again, pair.mentee, other_mentor, T0 + 13 * DAY)
    book, program = folded(story.events), str(story.program)

    fit = book.program(program)["overall"]["fit_and_rematch"]
    waiting = book.program(program, as_of=T0 + 12 * DAY)["overall"]["fit_and_rematch"]

    assert (fit["relationships"], fit["not_a_good_fit_reported"], fit["closed_no_fit"]) == (2, 1, 1)
    assert fit["not_a_good_fit_rate"] == 0.5
    assert fit["rematches_requested"] == 1 and fit["rematch_outcomes"]["rematched"] == 1
    assert fit["rematched_rate"] == 1.0
    assert waiting["rematch_outcomes"]["waiting"] == 1 and waiting["rematched_rate"] == 0.0
    assert book.program(program)["overall"]["relationships"]["closed_by_outcome"]["no_fit"] == 1


def test_a_paused_relationship_and_a_stalled_one_until_a_session_is_held_again() -> None:
    story = ProgramStory()
    paused, quiet = matched_pair(story, T0), matched_pair(story, T0)
    for pair in (paused, quiet):
        started(story, pair, T0 + 3 * HOUR)
        agreed_and_active(story, pair, T0 + DAY)
    story.fact("RelationshipPaused", paused.request, T0 + 5 * DAY, by=paused.mentee)
    story.fact("RelationshipStalled", quiet.request, T0 + 29 * DAY, quiet_since=T0 + DAY)
    held(story, quiet, T0 + 33 * DAY)
    story.fact("RelationshipResumed", paused.request, T0 + 40 * DAY, by=paused.mentor)
    book, program = folded(story.events), str(story.program)

    def states(day: int) -> dict:
        figures = book.program(program, as_of=T0 + day * DAY)["overall"]["relationships"]
        return {
            state: figures[state]
            for state in ("forming", "active", "paused", "stalled")
            if figures[state]
        }

    assert states(2) == {"active": 2}
    assert states(30) == {"paused": 1, "stalled": 1}
    assert states(34) == {"paused": 1, "active": 1}
    assert states(41) == {"active": 2}


def test_a_pause_is_not_running_time_for_the_cadence() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0, cadence_days=7)
    agreed_and_active(story, pair, T0 + DAY)  # active Jan 5 11:00
    story.fact("RelationshipPaused", pair.request, T0 + 8 * DAY, by=pair.mentee)  # Jan 12 09:00
    story.fact("RelationshipResumed", pair.request, T0 + 15 * DAY, by=pair.mentee)  # Jan 19 09:00
    story.fact(
        "RelationshipClosed", pair.request, T0 + 22 * DAY, outcome="ended_early"
    )  # Jan 26 09:00

    cadence = folded(story.events).program(str(story.program))["overall"]["cadence"]

    running_days = (7 * 24 - 2 + 7 * 24) / 24
    assert cadence["expected_per_relationship_month"] == round(running_days / 7, 4)
    assert cadence["sessions_held"] == 0 and cadence["cadence_adherence"] == 0.0
