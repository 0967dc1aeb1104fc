"""CloudEvents are unique by source and id, not by id alone: the relays derive an event's id
from its aggregate and version, and sessions' relationship has the request's id, so its
RelationshipStarted (version 1) carries the id of intake's MentorshipRequested (version 1).
The fold must count both; found by the dashboard's browser test, where the page showed no
relationship for a pair that had one."""

from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import matched_pair, started


def test_events_of_two_services_with_the_same_id_both_count() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    started(story, pair, T0 + 4 * HOUR)
    requested = next(e for e in story.events if e["type"].endswith("MentorshipRequested.v1"))
    relationship_started = story.events[-1]
    relationship_started["id"] = requested["id"]  # as the relays make it, from (aggregate, 1)

    report = folded(story.events).program(str(story.program))["overall"]

    assert report["requests"]["requested"] == 1
    assert report["relationships"]["started"] == 1


def test_the_same_event_from_the_same_source_still_counts_once() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    started(story, pair, T0 + 4 * HOUR)

    book = folded([*story.events, dict(story.events[-1])])

    assert book.duplicates == 1
    assert book.program(str(story.program))["overall"]["relationships"]["started"] == 1
