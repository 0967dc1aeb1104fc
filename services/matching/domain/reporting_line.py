"""Reporting lines: everyone above a person, as far as the partners declared them.

A profile names the person's manager and may name the managers above that one
(`reporting_line`, nearest first). Each is a link "reports to"; the line is followed
to its top, whoever along it is enrolled, so a skip-level manager is found even when
the manager in between never enrolled, or enrolled only as a mentee.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

Managers = Mapping[UUID, UUID | None]


class Declares(Protocol):
    """What a profile says about its person's line (a Candidate says it too)."""

    @property
    def participant_id(self) -> UUID: ...

    @property
    def manager_id(self) -> UUID | None: ...

    @property
    def reporting_line(self) -> tuple[UUID, ...]: ...


@dataclass(frozen=True)
class Declared:
    participant_id: UUID
    manager_id: UUID | None
    reporting_line: tuple[UUID, ...] = ()


def managers_of(people: Iterable[Declares]) -> dict[UUID, UUID]:
    """Who reports to whom, from what the profiles declare. A person's own profile is the
    word on their own manager; the links above it that someone's profile declares fill
    in the managers matching has no profile of."""
    people = list(people)
    links = {person.participant_id: person.manager_id for person in people if person.manager_id is not None}
    for person in people:
        chain = [person.manager_id, *person.reporting_line]
        for below, above in zip(chain, person.reporting_line, strict=False):  # each manager with the one above
            if below is not None and below != above:
                links.setdefault(below, above)
    return links


def line_above(person: UUID, managers: Managers, declared: Managers | None = None) -> list[UUID]:
    """The person's manager, their manager, and so on to the top. `declared` fills in links
    `managers` does not know; a cycle in what was declared ends the line."""
    def boss_of(someone: UUID) -> UUID | None:
        boss = managers.get(someone)
        return boss if boss is not None or declared is None else declared.get(someone)

    above: list[UUID] = []
    seen = {person}
    boss = boss_of(person)
    while boss is not None and boss not in seen:
        above.append(boss)
        seen.add(boss)
        boss = boss_of(boss)
    return above


def same_reporting_line(one: UUID, other: UUID, managers: Managers, declared: Managers | None = None) -> bool:
    return other in line_above(one, managers, declared) or one in line_above(other, managers, declared)
