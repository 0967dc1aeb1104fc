"""Why no mentor fits a request, and whether waiting could change that."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from services.matching.domain.hard_rules import TIME_CAN_MEND, Managers, refusing_rule
from services.matching.domain.pool import Candidate, OpenRequest

NO_MENTOR_YET = "no mentor is enrolled in the program yet"


@dataclass(frozen=True)
class NoFit:
    reason: str
    can_wait: bool  # a seat may free or a person resume: the request waits instead of ending


def why_no_mentor_fits(request: OpenRequest, mentee: Candidate, mentors: Iterable[Candidate],
                       managers: Managers) -> NoFit:
    """Every refusing rule with how many mentors it refused, most first, so a partner
    reads why (the reporting line, no capacity left...) and not just that nobody fits."""
    refused = [found for mentor in mentors if (found := refusing_rule(request, mentee, mentor, managers))]
    if not refused:
        return NoFit(NO_MENTOR_YET, can_wait=True)
    counts = Counter(refused)
    parts = [f"{reason} ({count} mentor{'s' if count > 1 else ''})"
             for (_, reason), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    can_wait = any(rule in TIME_CAN_MEND for rule, _ in counts)
    return NoFit("no mentor in the program meets the hard rules for this request: " + "; ".join(parts), can_wait)


def direct_ask_refusal(request: OpenRequest, mentee: Candidate, mentor: Candidate | None,
                       managers: Managers) -> NoFit | None:
    """A direct ask waits for a named mentor who is full, paused or not enrolled yet; other refusals stand."""
    if mentor is None:
        return NoFit("direct ask: the named mentor is not available in this program", can_wait=True)
    refused = refusing_rule(request, mentee, mentor, managers)
    if refused is None:
        return None
    rule, reason = refused
    return NoFit(f"direct ask: {reason}", can_wait=rule in TIME_CAN_MEND)
