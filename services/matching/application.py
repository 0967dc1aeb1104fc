"""Matching's use cases on its event store. Synchronous: callers use run_blocking."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from shared import key_erasing_recorder
from shared.errors import ConcurrentWrite, NotFound, RuleViolated
from shared.eventstore import ServiceApplication
from shared.store_access import find_sync, load_sync, save_sync
from shared.tracing import current_trace
from services.matching.domain.candidate_edges import CandidatePool
from services.matching.domain.group import (check_group_pair, is_group, members_not_yet_known, rank_for_group,
                                            why_no_mentor_fits_group)
from services.matching.domain.hard_rules import Managers
from services.matching.domain.match_request import (A_PARTICIPANT_LEFT, DIRECT_ASK_REFUSED, NO_MENTOR_FITS,
                                                    NO_PAIR_AGREED, PARTICIPANT_LEFT, MatchRequest)
from services.matching.domain.no_fit import NoFit, direct_ask_refusal, why_no_mentor_fits
from services.matching.domain.matching_run import MatchingRun
from services.matching.domain.pool_run import ALGORITHMS, solve
from services.matching.domain.pool import Candidate, OpenRequest, ProgramRules
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.reciprocal_pair import check_named_pair, is_named_pair, names_the_pair
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.reporting_line import managers_of
from services.matching.domain.seats import Seats, seats_id
from services.matching.domain.selection import ALGORITHM, Choice, check_pair, rank


# How long a request waits for a mentor when its program does not say (ProgramTerms.unmatched_after_days).
DEFAULT_UNMATCHED_AFTER_DAYS = 14


def proposal_id_for(request_id: UUID, attempt: int) -> UUID:
    # Derived, so two replicas proposing the same attempt collide instead of doubling up.
    return uuid5(NAMESPACE_URL, f"mentoring:proposal:{request_id}:{attempt}")


class MatchingApplication(ServiceApplication):
    service = "matching"
    name = "matching"
    env = {"PROCESS_RECORDER_TOPIC": key_erasing_recorder.TOPIC}
    snapshotting_intervals = {MatchRequest: 50, PoolMember: 50, Seats: 50}

    def keys_erased_by(self, events: Sequence[Any]) -> list[UUID]:
        # A decliner's words are sealed with their key; it goes with their erasure's record.
        return [event.originator_id for event in events
                if type(event).__name__ == "PoolMemberLeft" and event.status == "erased"]

    # --- proposing -------------------------------------------------------

    def propose_next(self, request_id: UUID, mentors: list[Candidate], at: datetime,
                     managers: Managers | None = None) -> MatchProposal | None:
        """Proposes the best allowed mentor. When none fits, the request waits for the pool
        to change if time can mend why, until its program's waiting time ends; else it ends.
        `managers`: the reporting lines the partners declared, across the whole pool."""
        return self.try_request(request_id, mentors, at, managers)[0]

    def try_request(self, request_id: UUID, mentors: list[Candidate], at: datetime,
                    managers: Managers | None = None) -> tuple[MatchProposal | None, int]:
        """propose_next, and the request's version after the try: the matchmaker remembers
        it, so that the try's own save (the request now waits) is not taken for a change."""
        request = load_sync(self, request_id, MatchRequest, "request")
        if current_trace.get() is not None:
            return self._propose_next(request, mentors, at, managers), request.version
        # From the matchmaker, outside any request: what it proposes continues the trace of the ask.
        continued = current_trace.set(self.trace_of_origin(request_id))
        try:
            return self._propose_next(request, mentors, at, managers), request.version
        finally:
            current_trace.reset(continued)

    def _propose_next(self, request: MatchRequest, mentors: list[Candidate], at: datetime,
                      managers: Managers | None) -> MatchProposal | None:
        if request.status != "awaiting":
            return None
        program = load_sync(self, request.program_id, ProgramPolicy, "program")
        open_request = request.as_open_request(ProgramRules.of(program.terms))
        if is_named_pair(open_request):
            # No search, so no run to wait for: the two named people are the only pair.
            return self._propose_named_pair(request, program, open_request, managers, at)
        if program.terms.get("matching_mode") == "batch":
            return None  # the program matches its pool in runs only
        mentee_member = load_sync(self, request.mentee_id, PoolMember, "participant")
        if mentee_member.has_left:
            # Caught here when the leaving was handled before this request was listed.
            request.give_up(A_PARTICIPANT_LEFT, PARTICIPANT_LEFT)
            save_sync(self, request)
            return None
        mentee = mentee_member.as_candidate()
        managers = managers if managers is not None else managers_of([*mentors, mentee])
        weights = program.terms["matching_policy"]["weights"]
        if request.attempts > program.terms["matching_policy"]["max_reproposals"]:
            request.give_up(f"no pair was agreed after {request.attempts} proposals", NO_PAIR_AGREED)
            save_sync(self, request)
            return None
        if is_group(open_request):
            return self._propose_for_group(request, program, open_request, mentors, managers, "on_demand", at)
        named = open_request.named_mentor_id
        if named is not None and request.attempts == 0:
            mentor = next((m for m in mentors if m.participant_id == named), None)
            refused = direct_ask_refusal(open_request, mentee, mentor, managers)
            if refused is not None:
                self._no_fit(request, program, refused, DIRECT_ASK_REFUSED, at)
                return None
            assert mentor is not None  # a missing mentor is a refusal
            choice = check_pair(open_request, mentee, mentor, managers, weights)
            assert isinstance(choice, Choice)
            return self._propose(request, program, mentee, choice, "direct_ask", at)
        ranked = rank(open_request, mentee, mentors, managers, weights, limit=1)
        if not ranked:
            self._no_fit(request, program, why_no_mentor_fits(open_request, mentee, mentors, managers),
                         NO_MENTOR_FITS, at)
            return None
        return self._propose(request, program, mentee, ranked[0], "on_demand", at)

    def propose_group(self, request_id: UUID, mentors: list[Candidate], at: datetime,
                      managers: Managers | None = None) -> MatchProposal | None:
        """A whole-pool run's proposal for a group (batch programs too)."""
        request = load_sync(self, request_id, MatchRequest, "request")
        if request.status != "awaiting":
            return None
        program = load_sync(self, request.program_id, ProgramPolicy, "program")
        return self._propose_for_group(request, program, request.as_open_request(ProgramRules.of(program.terms)),
                                       mentors, managers,
                                       "matching_run", at)

    def _propose_named_pair(self, request: MatchRequest, program: ProgramPolicy, open_request: OpenRequest,
                            managers: Managers | None, at: datetime) -> MatchProposal | None:
        """A reciprocal request: propose the requester and the co-mentee to each other, or say why not."""
        requester = load_sync(self, request.mentee_id, PoolMember, "participant").as_candidate()
        assert open_request.co_mentee_id is not None
        co_mentee = self.find_candidate(open_request.co_mentee_id)
        people = [requester, *([co_mentee] if co_mentee else [])]
        managers = managers if managers is not None else managers_of(people)
        weights = program.terms["matching_policy"]["weights"]
        outcome = check_named_pair(open_request, requester, co_mentee, managers, weights)
        if isinstance(outcome, NoFit):
            code = NO_PAIR_AGREED if open_request.declined_mentor_ids else NO_MENTOR_FITS
            self._no_fit(request, program, outcome, code, at)
            return None
        return self._propose(request, program, requester, outcome, "on_demand", at)

    def _propose_for_group(self, request: MatchRequest, program: ProgramPolicy, open_request: OpenRequest,
                           mentors: list[Candidate], managers: Managers | None, origin: str,
                           at: datetime) -> MatchProposal | None:
        """One mentor for the whole group: allowed with every member, best by the group's score.
        A direct ask names the mentor, who is checked against every member the same way."""
        members = self.group_members(open_request)
        if members is None:
            self._no_fit(request, program, members_not_yet_known(), NO_MENTOR_FITS, at)
            return None
        managers = managers_of([*mentors, *members]) if managers is None else managers
        weights = program.terms["matching_policy"]["weights"]
        named = open_request.named_mentor_id
        if named is not None and request.attempts == 0:
            mentors, origin = [m for m in mentors if m.participant_id == named], "direct_ask"
        ranked = rank_for_group(open_request, members, mentors, managers, weights)
        if not ranked:
            code = DIRECT_ASK_REFUSED if origin == "direct_ask" else NO_MENTOR_FITS
            self._no_fit(request, program, why_no_mentor_fits_group(open_request, members, mentors, managers),
                         code, at)
            return None
        return self._propose(request, program, members[0], ranked[0], origin, at, group=members[1:])

    def group_members(self, open_request: OpenRequest) -> list[Candidate] | None:
        """The requester first, then the other mentees still in the program; None while one is
        not known here yet. A member who left since the request was made is left out."""
        members = [load_sync(self, open_request.mentee_id, PoolMember, "participant").as_candidate()]
        for person in open_request.co_mentee_ids:
            member = find_sync(self, person, PoolMember)
            if member is None:
                return None
            if not member.has_left:
                members.append(member.as_candidate())
        return members

    def _no_fit(self, request: MatchRequest, program: ProgramPolicy, no_fit: NoFit, code: str,
                at: datetime) -> None:
        if no_fit.can_wait:
            days = program.terms.get("unmatched_after_days", DEFAULT_UNMATCHED_AFTER_DAYS)
            request.wait(no_fit.reason, at, request.waiting_deadline(days))
        else:
            request.give_up(no_fit.reason, code)
        save_sync(self, request)  # saves nothing when the request was already waiting for the same reason

    def propose_pair(self, request_id: UUID, mentor_id: UUID, origin: str, at: datetime,
                     algorithm: str = ALGORITHM, managers: Managers | None = None) -> MatchProposal:
        """An operator's (or a matching run's) pair; the hard rules still apply."""
        request = load_sync(self, request_id, MatchRequest, "request")
        if request.status != "awaiting":
            raise RuleViolated("request-not-awaiting", f"the request is {request.status}")
        program = load_sync(self, request.program_id, ProgramPolicy, "program")
        mentee = load_sync(self, request.mentee_id, PoolMember, "participant").as_candidate()
        mentor = self.candidate(mentor_id)
        managers = managers if managers is not None else managers_of([mentor, mentee])
        open_request = request.as_open_request(ProgramRules.of(program.terms))
        weights = program.terms["matching_policy"]["weights"]
        if not names_the_pair(open_request, mentor_id):
            raise RuleViolated("pair-not-allowed", "a reciprocal request pairs the two people it names")
        if is_named_pair(open_request):
            named = check_named_pair(open_request, mentee, mentor, managers, weights)
            if isinstance(named, NoFit):
                raise RuleViolated("pair-not-allowed", named.reason)
            return self._propose(request, program, mentee, named, origin, at, algorithm)
        if is_group(open_request):
            members = self.group_members(open_request)
            if members is None:
                raise RuleViolated("pair-not-allowed", members_not_yet_known().reason)
            chosen = check_group_pair(open_request, members, mentor, managers, weights)
            if isinstance(chosen, str):
                raise RuleViolated("pair-not-allowed", chosen)
            return self._propose(request, program, mentee, chosen, origin, at, algorithm, group=members[1:])
        outcome = check_pair(open_request, mentee, mentor, managers, weights)
        if isinstance(outcome, str):
            raise RuleViolated("pair-not-allowed", outcome)
        return self._propose(request, program, mentee, outcome, origin, at, algorithm)

    def _propose(self, request: MatchRequest, program: ProgramPolicy, mentee: Candidate, choice: Choice,
                 origin: str, at: datetime, algorithm: str = ALGORITHM,
                 group: list[Candidate] | None = None) -> MatchProposal:
        """`group`: a group's other mentees being proposed (those still in the program)."""
        attempt = request.attempts + 1
        terms = program.terms
        mentor_member = load_sync(self, choice.mentor.participant_id, PoolMember, "participant")
        if mentor_member.has_left:  # the pool's lists had not caught up with their leaving yet
            raise RuleViolated("participant-left", f"participant {mentor_member.id} left the program")
        proposal = MatchProposal(
            id=proposal_id_for(request.id, attempt), request_id=request.id, program_id=request.program_id,
            organization_id=request.organization_id, mentee_id=mentee.participant_id,
            mentor_id=choice.mentor.participant_id, score=choice.score.total, explanation=choice.explanation,
            provenance={
                "factor_contributions": choice.score.contributions,
                "mentee_profile_version": mentee.profile_version,
                "mentor_profile_version": choice.mentor.profile_version,
                "policy_version": program.policy_version, "algorithm": algorithm, "seed": 0,
            },
            proposed_at=at, expires_at=at + timedelta(hours=terms["acceptance_window_hours"]),
            attempt=attempt, origin=origin,
            terms={
                "format": request.details["format"], "goals": request.details["goals"],
                "co_mentee_id": request.details.get("co_mentee_id"),
                "co_mentee_ids": [str(member.participant_id) for member in group or []],
                "co_mentee_organizations": self._organizations_of(group or []),
                "cadence_days": terms["cadence_days"], "length_weeks": terms["length_weeks"],
                "ground_rules": terms["ground_rules"],
                "mentor_organization_id": mentor_member.organization_id,
            },
        )
        request.note_proposed(proposal.id)
        save_sync(self, proposal, request)
        return proposal

    def _organizations_of(self, members: list[Candidate]) -> dict[str, str]:
        # Each member answers for themself, and their partner for them: the proposal keeps whose they are.
        return {str(member.participant_id): load_sync(self, member.participant_id, PoolMember,
                                                      "participant").organization_id for member in members}

    def candidate(self, participant_id: UUID) -> Candidate:
        member = load_sync(self, participant_id, PoolMember, "participant")
        seats = find_sync(self, seats_id(participant_id, "mentor"), Seats)
        return member.as_candidate(load=len(seats.held) if seats else 0)

    def find_candidate(self, participant_id: UUID) -> Candidate | None:
        if find_sync(self, participant_id, PoolMember) is None:
            return None
        return self.candidate(participant_id)

    def mentor_capacity(self, mentor_id: UUID, role: str = "mentor") -> tuple[str, dict[str, Any], int] | None:
        """The person's organization, their seats in `role` (held by running relationships) and the ledger's version."""
        member = find_sync(self, mentor_id, PoolMember)
        seats = find_sync(self, seats_id(mentor_id, role), Seats)
        if member is None or seats is None:
            return None
        relationships = [str(load_sync(self, held, MatchProposal, "match").request_id) for held in seats.held]
        view = {"mentor_id": str(mentor_id), "role": role, "capacity": seats.capacity, "held": len(seats.held),
                "free": max(0, seats.free), "relationships": relationships}
        return member.organization_id, view, seats.version

    # --- answering -------------------------------------------------------

    def accept(self, proposal_id: UUID, by: str, at: datetime, answered_by: str | None = None) -> MatchProposal:
        proposal = load_sync(self, proposal_id, MatchProposal, "match")
        proposal.accept(by, at, answered_by)
        if proposal.awaiting:
            save_sync(self, proposal)
            return proposal
        request = load_sync(self, proposal.request_id, MatchRequest, "request")
        if self._someone_left(proposal):
            proposal.cancel(A_PARTICIPANT_LEFT)
            request.note_proposal_ended(proposal.id, declined_mentor=None)
            save_sync(self, proposal, request)
            return proposal
        ledgers = self._ledgers_for(proposal)
        try:
            for seats in ledgers:
                seats.reserve(proposal.id)
        except RuleViolated as full:
            proposal.cancel(full.detail)
            request.note_proposal_ended(proposal.id, declined_mentor=proposal.mentor_id)
            save_sync(self, proposal, request)
            return proposal
        proposal.confirm()
        request.note_matched(proposal.id)
        # Seats, proposal and request in one save: a concurrent confirm for the same
        # last seat conflicts on the seats' version and loses.
        save_sync(self, proposal, request, *ledgers)
        return proposal

    def _someone_left(self, proposal: MatchProposal) -> bool:
        """Never confirm for someone who left, even if their leaving has not reached the proposal."""
        return any((member := find_sync(self, person, PoolMember)) is not None and member.has_left
                   for person in proposal.people)

    def _ledgers_for(self, proposal: MatchProposal) -> list[Seats]:
        """The seats a confirmation takes (MatchProposal.seat_roles). A one-way pair's two must exist.
        A co-mentor holds one in each role they enrolled in: someone enrolled only as a mentee
        has no mentor ledger, but each of the two must hold at least one seat."""
        found = {(person, role): find_sync(self, seats_id(person, role), Seats) for person, role in proposal.seat_roles}
        for (person, role), seats in found.items():
            held_elsewhere = proposal.is_co_mentoring and any(
                other is not None for (holder, _), other in found.items() if holder == person)
            if seats is None and not held_elsewhere:
                raise NotFound("seats", seats_id(person, role))
        return [seats for seats in found.values() if seats is not None]

    def decline(self, proposal_id: UUID, by: str, words_ciphertext: str, at: datetime,
                reason_code: str = "other", answered_by: str | None = None) -> MatchProposal:
        """`words_ciphertext`: sealed for MatchProposal.decliner_of(by) by the caller."""
        proposal = load_sync(self, proposal_id, MatchProposal, "match")
        proposal.decline(by, words_ciphertext, at, reason_code, answered_by)
        return self._end(proposal)

    def expire(self, proposal_id: UUID, at: datetime) -> MatchProposal:
        proposal = load_sync(self, proposal_id, MatchProposal, "match")
        proposal.expire(at)
        return self._end(proposal)

    def cancel(self, proposal_id: UUID, reason: str) -> MatchProposal:
        proposal = load_sync(self, proposal_id, MatchProposal, "match")
        proposal.cancel(reason)
        return self._end(proposal)

    def remind(self, proposal_id: UUID, at: datetime) -> MatchProposal:
        proposal = load_sync(self, proposal_id, MatchProposal, "match")
        proposal.remind(at)
        save_sync(self, proposal)
        return proposal

    def _end(self, proposal: MatchProposal) -> MatchProposal:
        request = load_sync(self, proposal.request_id, MatchRequest, "request")
        request.note_proposal_ended(proposal.id, declined_mentor=proposal.mentor_id)
        save_sync(self, proposal, request)
        return proposal


class PoolRun:
    """A whole-pool run; kept apart from MatchingApplication's per-request use cases."""

    def __init__(self, app: MatchingApplication) -> None:
        self.app = app

    def run(self, program_id: UUID, request_ids: list[UUID], mentors: list[Candidate], objective: str | None,
            dry_run: bool, at: datetime, managers: Managers | None = None) -> dict[str, Any]:
        program = load_sync(self.app, program_id, ProgramPolicy, "program")
        objective = objective or program.terms["matching_policy"]["objective"]
        requests = [load_sync(self.app, ident, MatchRequest, "request") for ident in request_ids]
        rules = ProgramRules.of(program.terms)
        # A reciprocal request is no part of the search: it is proposed as the pair it names.
        pairs_in = [
            (request.as_open_request(rules),
             load_sync(self.app, request.mentee_id, PoolMember, "participant").as_candidate())
            for request in requests if request.status == "awaiting" and not is_named_pair(request.as_open_request())
            and not is_group(request.as_open_request())
        ]
        managers = managers if managers is not None else managers_of([*mentors, *(m for _, m in pairs_in)])
        candidates = CandidatePool(pairs_in, mentors, managers, program.terms["matching_policy"]["weights"])
        capacity = {m.participant_id: max(0, m.capacity - m.load) for m in mentors}
        groups = [request for request in requests
                  if request.status == "awaiting" and is_group(request.as_open_request())]
        placed_groups = self._fill_groups(groups, program, mentors, capacity, managers, dry_run, at)
        outcome = solve(objective, candidates, capacity)
        pairs = [{"request_id": str(r), "mentor_id": str(m), "score": outcome.scores[(r, m)]}
                 for r, m in sorted(outcome.pairs.items(), key=lambda p: str(p[0]))]
        result = {"objective": objective, "dry_run": dry_run, "summary": outcome.summary, "pairs": pairs,
                  "groups": placed_groups}
        if dry_run:
            return result
        for request in requests:
            if request.status == "awaiting" and is_named_pair(request.as_open_request()):
                try:
                    self.app.propose_next(request.id, [], at, managers)
                except ConcurrentWrite:
                    continue  # the request moved on while the run was computed
        for request_id, mentor_id in outcome.pairs.items():
            try:
                self.app.propose_pair(request_id, mentor_id, "matching_run", at, ALGORITHMS[objective], managers)
            except (RuleViolated, ConcurrentWrite):
                continue  # the request moved on while the run was computed
        run = MatchingRun(id=uuid4(), program_id=program_id, objective=objective, summary=outcome.summary,
                          pairs=pairs)
        save_sync(self.app, run)
        return {**result, "run_id": str(run.id)}

    def _fill_groups(self, groups: list[MatchRequest], program: ProgramPolicy, mentors: list[Candidate],
                     capacity: dict[UUID, int], managers: Managers, dry_run: bool,
                     at: datetime) -> list[dict[str, Any]]:
        """Groups first, in the order they asked: each is no part of the search (it needs one
        mentor allowed with every member) and takes one seat of what its mentor has left for
        this run, so the run's pairs and its groups together never ask a mentor for more
        seats than they have free. `capacity` is reduced in place."""
        placed = []
        weights = program.terms["matching_policy"]["weights"]
        for request in groups:
            with_room = [replace(m, load=m.capacity - capacity[m.participant_id]) for m in mentors
                         if capacity.get(m.participant_id, 0) > 0]
            if dry_run:
                open_request = request.as_open_request(ProgramRules.of(program.terms))
                members = self.app.group_members(open_request)
                ranked = rank_for_group(open_request, members, with_room, managers, weights) \
                    if members else []
                chosen = (ranked[0].mentor.participant_id, ranked[0].score.total) if ranked else None
            else:
                try:
                    proposal = self.app.propose_group(request.id, with_room, at, managers)
                except (RuleViolated, ConcurrentWrite):
                    continue  # the request moved on while the run was computed
                chosen = (proposal.mentor_id, proposal.score) if proposal else None
            if chosen is not None:
                capacity[chosen[0]] -= 1
                placed.append({"request_id": str(request.id), "mentor_id": str(chosen[0]), "score": chosen[1]})
        return placed
