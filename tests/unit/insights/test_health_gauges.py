"""Program figures as Prometheus gauges: one per number, dicts as labels, nulls left out."""

from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, T0, ProgramStory
from tests.unit.insights.relationship_story import matched_pair


def test_program_figures_become_labelled_gauges_and_nulls_are_left_out() -> None:
    story = ProgramStory()
    matched_pair(story, T0)
    story.unmatched(story.request(story.enrol("mentee", "acme", T0), "acme", T0), T0 + 14 * DAY)
    program = {"program_id": str(story.program)}

    gauges = {
        (name, tuple(sorted(labels.items()))): value
        for name, labels, value in folded(story.events).gauges()
    }

    assert gauges[("mentoring_program_requests_match_rate", tuple(program.items()))] == 0.5
    assert (
        gauges[
            (
                "mentoring_program_participants_enrolled_by_role",
                tuple(sorted({**program, "role": "mentee"}.items())),
            )
        ]
        == 2.0
    )
    assert (
        gauges[
            (
                "mentoring_program_requests_unmatched_by_reason",
                tuple(sorted({**program, "reason": "no-mentor-available"}.items())),
            )
        ]
        == 1.0
    )
    assert (
        gauges[
            (
                "mentoring_program_requests_request_to_confirmation_seconds",
                tuple(sorted({**program, "quantile": "0.9"}.items())),
            )
        ]
        == 3 * 3600.0
    )
    assert not any(name == "mentoring_program_check_ins_fit_average" for name, _ in gauges), (
        "no check-ins: the average is null and not exported as 0"
    )
    assert all(name.replace("_", "a").isalnum() for name, _ in gauges)
