"""The written agreement: numbered versions of terms that every party signs.

A version takes effect only when every party signed it; an amendment is simply
the next version, and the one in force stays in force until the amendment has
every signature. Earlier versions stay in the history, signatures and all.
"""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from services.sessions.domain.activation import RelationshipActivation
from services.sessions.domain.agreement_terms import check_terms


class RelationshipAgreement(RelationshipActivation):

    @property
    def terms_in_force(self) -> dict[str, Any]:
        if self.agreement_in_force is None:
            return {}
        return self.agreements[self.agreement_in_force - 1]["terms"]

    @property
    def end_date(self) -> date:
        end = self.terms_in_force.get("end_date")
        if end:
            return date.fromisoformat(end)
        return (self.started_at + timedelta(weeks=self.length_weeks)).date()

    @property
    def agreed_cadence_days(self) -> int:
        """The cadence in force: the agreement's, else the program's (`cadence_days`)."""
        return int(self.terms_in_force.get("cadence_days", self.cadence_days))

    @property
    def latest_version(self) -> int:
        return len(self.agreements)

    def propose_agreement(self, by: UUID, terms: dict[str, Any], at: datetime) -> int:
        """Proposes the next version; returns its number."""
        self._party(by)
        self._refuse_if_closed()
        check_terms(terms, self.party_ids, at)
        self._agreement_proposed(version=self.latest_version + 1, terms=terms, proposed_by=by)
        return self.latest_version

    def sign_agreement(self, by: UUID, version: int, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        # Only the latest proposal can be signed: nobody signs terms already superseded.
        if version != self.latest_version or version == 0:
            raise RuleViolated("agreement-version-outdated",
                               f"version {version} is not the latest proposal (latest is {self.latest_version})")
        if str(by) in self.agreements[version - 1]["signed_by"]:
            raise RuleViolated("already-signed", f"you already signed version {version}")
        self._agreement_signed(version=version, signed_by=by)
        if set(self.agreements[version - 1]["signed_by"]) == self.everyone():
            self._agreement_in_effect(version=version)
            self._activate_if_ready(at)

    @event("AgreementProposed")
    def _agreement_proposed(self, version: int, terms: dict[str, Any], proposed_by: UUID) -> None:
        self.agreements = [*self.agreements, {"version": version, "terms": terms,
                                              "proposed_by": str(proposed_by), "signed_by": []}]

    @event("AgreementSigned")
    def _agreement_signed(self, version: int, signed_by: UUID) -> None:
        agreement = self.agreements[version - 1]
        agreement["signed_by"] = [*agreement["signed_by"], str(signed_by)]

    @event("AgreementInEffect")
    def _agreement_in_effect(self, version: int) -> None:
        self.agreement_in_force = version
