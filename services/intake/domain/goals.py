"""A request's specific goals: how many a request states, and when two ask for the same thing."""

from shared.errors import RuleViolated

MAX_GOALS = 5


def check_goal_count(goals: list[dict[str, str]]) -> None:
    # The API checks this too; the domain repeats it because a request with no goal,
    # or a wish list, is not a specific request whoever sends it.
    if not 1 <= len(goals) <= MAX_GOALS:
        raise RuleViolated("goal-count", f"state 1 to {MAX_GOALS} specific goals")


def goal_topics(goals: list[dict[str, str]]) -> frozenset[str]:
    """What a request asks about; two requests with the same topics are duplicates."""
    return frozenset(goal["topic"].strip().lower() for goal in goals)
