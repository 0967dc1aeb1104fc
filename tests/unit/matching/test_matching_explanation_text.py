"""The sentence people read about why two of them were proposed."""

import pytest

from services.matching.domain.explanation import explain
from services.matching.domain.scoring import score
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request


def explained(request, ada, grace) -> str:
    return explain(request, ada, grace, score(request, ada, grace, WEIGHTS))


def test_an_ideal_pair_is_explained_part_by_part_in_order():
    ada, grace = mentee(), candidate()
    assert explained(open_request(ada), ada, grace) == "; ".join([
        "both can meet by video",
        "both work in UTC+1",
        "mentor offers public speaking at expert level, which is goal 1",
        "mentee offers data analysis, which the mentor wants to learn",
        "they come from different organizations",
    ])


def test_the_goal_is_named_by_its_number_and_the_mentors_level():
    ada = mentee()
    grace = candidate(offers={"public speaking": "intermediate", "sql": "basic"})
    request = open_request(ada, goals=(("hiring", "a"), ("public speaking", "b"), ("sql", "c")))
    text = explained(request, ada, grace)
    assert "mentor offers public speaking at intermediate level, which is goal 2" in text
    assert "mentor offers sql at basic level, which is goal 3" in text
    assert "hiring" not in text


def test_goals_the_mentor_does_not_offer_are_not_claimed():
    ada = mentee()
    text = explained(open_request(ada), ada, candidate(offers={"sql": "expert"}))
    assert "mentor offers" not in text


def test_the_reverse_learning_names_what_the_mentee_teaches_the_mentor():
    ada = mentee(offers={"data analysis": "basic", "python": "expert"})
    grace = candidate(wants=frozenset({"python", "data analysis", "cooking"}))
    text = explained(open_request(ada), ada, grace)
    assert "mentee offers data analysis, which the mentor wants to learn" in text
    assert "mentee offers python, which the mentor wants to learn" in text
    assert text.index("data analysis, which") < text.index("python, which")
    assert "cooking" not in text


def test_no_reverse_learning_is_claimed_when_the_mentee_offers_nothing_wanted():
    ada = mentee()
    text = explained(open_request(ada), ada, candidate(wants=frozenset({"cooking"})))
    assert "which the mentor wants to learn" not in text


def test_different_time_zones_are_shown_as_standard_utc_offsets():
    ada = mentee(time_zone="Europe/Paris")
    grace = candidate(time_zone="Europe/Helsinki")
    assert "both work across time zones UTC+1/UTC+2" in explained(open_request(ada), ada, grace)


@pytest.mark.parametrize(("mentee_zone", "mentor_zone", "shown"), [
    ("America/New_York", "Asia/Kolkata", "UTC-5/UTC+5:30"),
    ("Europe/Helsinki", "Europe/Paris", "UTC+2/UTC+1"),
    ("UTC", "America/St_Johns", "UTC+0/UTC-3:30"),
])
def test_the_mentees_offset_comes_first(mentee_zone, mentor_zone, shown):
    ada, grace = mentee(time_zone=mentee_zone), candidate(time_zone=mentor_zone)
    assert f"both work across time zones {shown}" in explained(open_request(ada), ada, grace)


def test_zones_with_the_same_offset_read_as_one():
    ada, grace = mentee(time_zone="Europe/Paris"), candidate(time_zone="Europe/Berlin")
    text = explained(open_request(ada), ada, grace)
    assert "both work in UTC+1" in text
    assert "across" not in text


def test_every_shared_mode_is_listed_in_words():
    ada = mentee(meeting_modes=frozenset({"video", "phone"}))
    request = open_request(ada, meeting_modes=frozenset())
    grace = candidate(meeting_modes=frozenset({"phone", "video", "chat"}))
    assert explained(request, ada, grace).startswith("both can meet by phone, video; ")


def test_in_person_is_written_with_a_space():
    ada = mentee(meeting_modes=frozenset({"in_person"}), location="paris")
    request = open_request(ada, meeting_modes=frozenset({"in_person"}))
    grace = candidate(meeting_modes=frozenset({"in_person"}), location="paris")
    assert "both can meet by in person" in explained(request, ada, grace)


def test_no_shared_mode_means_no_meeting_claim():
    ada = mentee()
    text = explained(open_request(ada), ada, candidate(meeting_modes=frozenset({"phone"})))
    assert "both can meet" not in text


@pytest.mark.xfail(strict=True, reason="BUG: explain() lists in_person as a shared mode whatever the locations, "
                                       "while scoring counts in_person only in the same location; people in Paris "
                                       "and Oslo are told they 'can meet by in person'")
def test_meeting_in_person_is_not_claimed_for_people_in_different_places():
    ada = mentee(meeting_modes=frozenset({"in_person"}), location="paris")
    request = open_request(ada, meeting_modes=frozenset({"in_person"}))
    grace = candidate(meeting_modes=frozenset({"in_person"}), location="oslo")
    assert "in person" not in explained(request, ada, grace)


@pytest.mark.parametrize(("organization", "department", "phrase"), [
    ("globex", "eng", "they come from different organizations"),
    ("acme", "sales", "they come from different departments"),
    ("acme", "eng", None),
])
def test_the_explanation_says_how_far_outside_the_circle_the_mentor_is(organization, department, phrase):
    ada = mentee(organization="acme", department="eng")
    text = explained(open_request(ada), ada, candidate(organization=organization, department=department))
    if phrase is None:
        assert "they come from" not in text
    else:
        assert phrase in text


def test_unmet_must_haves_are_admitted_at_the_end():
    ada, grace = mentee(), candidate()
    request = open_request(ada, must_have=frozenset({"location:oslo", "language:fr"}))
    assert explained(request, ada, grace).endswith("; but not: language:fr, location:oslo")


def test_met_must_haves_are_not_mentioned():
    ada, grace = mentee(), candidate()
    assert "but not" not in explained(open_request(ada, must_have=frozenset({"language:en"})), ada, grace)


def test_the_explanation_is_reproducible():
    ada, grace = mentee(), candidate(wants=frozenset({"data analysis", "sql", "python"}))
    request = open_request(ada)
    assert explained(request, ada, grace) == explained(request, ada, grace)
