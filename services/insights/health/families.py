"""The metric families a HealthBook folds by default, in the order they are reported."""

from services.insights.health.attendance import Attendance
from services.insights.health.cadence import Cadence
from services.insights.health.check_ins import CheckIns
from services.insights.health.fit_and_rematch import FitAndRematch
from services.insights.health.matching_quality import MatchingQuality
from services.insights.health.metric import Metric
from services.insights.health.participants import Participants
from services.insights.health.pay_it_forward import PayItForward
from services.insights.health.proposals import Proposals
from services.insights.health.relationship_timing import RelationshipTiming
from services.insights.health.relationships import Relationships
from services.insights.health.requests import Requests
from services.insights.health.two_way_learning import TwoWayLearning

FAMILIES: tuple[type[Metric], ...] = (
    Participants,
    Requests,
    Proposals,
    MatchingQuality,
    Relationships,
    RelationshipTiming,
    Cadence,
    Attendance,
    CheckIns,
    TwoWayLearning,
    FitAndRematch,
    PayItForward,
)


def default_metrics() -> list[Metric]:
    """Fresh folds: each book keeps its own state."""
    return [family() for family in FAMILIES]
