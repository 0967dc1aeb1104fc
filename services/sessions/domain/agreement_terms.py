"""What an agreement may say, checked before a version is proposed.

Terms are plain JSON (they are stored in the event as given):
  goals        {participant id: [{"topic", "outcome"}]}  each person's own specific requests
  end_date     "YYYY-MM-DD"
  cadence_days 1..90, how often they mean to meet
  logistics    {"meeting_mode", "channel_or_place", "time_zones", "regular_slot"}
Every term is optional: what a version leaves out falls back to the program's
defaults (length in weeks, cadence), so a pair can agree on only what matters to them.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from shared.errors import RuleViolated

TERMS = ("goals", "end_date", "cadence_days", "logistics")
MEETING_MODES = ("in_person", "video", "phone", "chat")
MAX_CADENCE_DAYS = 90


def check_terms(terms: dict[str, Any], party_ids: list[UUID], at: datetime) -> None:
    unknown = sorted(set(terms) - set(TERMS))
    if unknown:
        raise RuleViolated("unknown-agreement-term",
                           f"an agreement speaks of {', '.join(TERMS)}; not of {', '.join(unknown)}")
    if "end_date" in terms:
        _check_end_date(terms["end_date"], at)
    if "cadence_days" in terms:
        _check_cadence(terms["cadence_days"])
    if "goals" in terms:
        _check_goals(terms["goals"], {str(p) for p in party_ids})
    if "logistics" in terms:
        _check_logistics(terms["logistics"])


def _check_end_date(end_date: Any, at: datetime) -> None:
    try:
        end = date.fromisoformat(end_date)
    except (TypeError, ValueError):
        raise RuleViolated("invalid-end-date", "give the end date as YYYY-MM-DD") from None
    # An end already reached would have the relationship complete itself at once.
    if end <= at.date():
        raise RuleViolated("end-date-in-the-past", f"the end date {end_date} has already come")


def _check_cadence(cadence_days: Any) -> None:
    if isinstance(cadence_days, bool) or not isinstance(cadence_days, int) \
            or not 1 <= cadence_days <= MAX_CADENCE_DAYS:
        raise RuleViolated("cadence-out-of-range", f"meet every 1 to {MAX_CADENCE_DAYS} days")


def _check_goals(goals: Any, parties: set[str]) -> None:
    if not isinstance(goals, dict):
        raise RuleViolated("invalid-goal", "goals are listed per participant id")
    strangers = sorted(set(map(str, goals)) - parties)
    if strangers:
        raise RuleViolated("goal-owner-not-a-party", "goals belong to the people in this relationship")
    for person_goals in goals.values():
        if not isinstance(person_goals, list) or not all(_is_goal(goal) for goal in person_goals):
            raise RuleViolated("invalid-goal", "each goal names a topic and the outcome wanted")


def _is_goal(goal: Any) -> bool:
    return isinstance(goal, dict) and all(isinstance(goal.get(k), str) and goal[k].strip()
                                          for k in ("topic", "outcome"))


def _check_logistics(logistics: Any) -> None:
    if not isinstance(logistics, dict):
        raise RuleViolated("invalid-logistics", "logistics name the meeting mode, place, time zones and slot")
    mode = logistics.get("meeting_mode")
    if mode is not None and mode not in MEETING_MODES:
        raise RuleViolated("unknown-meeting-mode", f"meet {', '.join(MEETING_MODES)}")
