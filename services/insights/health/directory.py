"""Which organization each person, request and relationship belongs to, learnt from
whichever public event says so first (topics interleave in any order). Timeless: an
organization never changes for an id, so reading it `as_of` needs no dates."""

from collections import defaultdict

from shared.contracts import intake, matching, sessions
from services.insights.health.facts import Fact


class Directory:
    def __init__(self) -> None:
        self.participants: dict[str, str] = {}
        self.requests: dict[str, str] = {}
        self.relationships: dict[str, set[str]] = defaultdict(set)
        self.programs: dict[str, dict[str, object]] = {}
        self.program_organizations: dict[str, set[str]] = defaultdict(set)

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if fact.program is not None:
            self.programs.setdefault(fact.program, {})
        if isinstance(data, intake.ProgramOpened | intake.ProgramChanged):
            assert fact.program is not None  # a program's events carry its id
            self.programs[fact.program] = {"name": data.terms.name}
            self._seen(fact.program, *data.terms.organizations)
        elif isinstance(data, intake.ParticipantEnrolled):
            self.participants[str(data.participant_id)] = data.organization_id
            self._seen(fact.program, data.organization_id)
        elif isinstance(data, intake.MentorshipRequested):
            self.requests[str(data.request_id)] = data.organization_id
            self._seen(fact.program, data.organization_id)
        elif isinstance(data, matching.MatchConfirmed):
            self.requests.setdefault(str(data.request_id), data.organization_id)
            orgs = {data.organization_id, data.mentor_organization_id or data.organization_id}
            self.relationships[str(data.request_id)] |= orgs
            self._seen(fact.program, *orgs)
        elif isinstance(data, sessions.RelationshipStarted):
            orgs = {
                data.organization_id,
                *(p.organization_id for p in data.parties if p.organization_id),
            }
            self.relationships[str(data.relationship_id)] |= orgs
            self._seen(fact.program, *orgs)

    def _seen(self, program: str | None, *organizations: str) -> None:
        if program is not None:
            self.program_organizations[program].update(organizations)

    def organizations(self) -> set[str]:
        return (
            set().union(*self.program_organizations.values())
            if self.program_organizations
            else set()
        )

    def request_organization(self, request_id: str) -> str | None:
        return self.requests.get(request_id)

    def relationship_organizations(self, relationship_id: str) -> set[str]:
        """Every party's organization: a pair across two organizations counts for both."""
        orgs = self.relationships.get(relationship_id)
        if orgs:
            return orgs
        request_org = self.requests.get(relationship_id)
        return {request_org} if request_org else set()
