"""Whether a partner may enrol someone into a program."""

from shared.errors import RuleViolated
from services.intake.domain.program import Program


def check_can_enrol(program: Program, organization_id: str) -> None:
    if program.status == "closed":
        raise RuleViolated("program-closed", "the program is closed to new participants")
    if not program.includes_organization(organization_id):
        raise RuleViolated("organization-not-in-program",
                           f"organization {organization_id} does not take part in this program")
