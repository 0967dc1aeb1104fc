"""How fast a relationship with a long history loads, with and without snapshots,
and how long its full timeline takes. Needs the local PostgreSQL (deploy/postgres.sh).

    .venv/bin/python -m bench.relationship_load_bench
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.sessions.application import SessionsApplication
from services.sessions.domain.relationship import Relationship
from services.sessions.timeline import build_timeline
from shared.settings import Settings
from tests.support.servers import create_database_sync, drop_database_sync

LENGTHS = (100, 1000, 3000)
REPEATS = 30


class WithoutSnapshots(SessionsApplication):
    name = "sessions"  # the same tables as the snapshotting application
    snapshotting_intervals = {}  # the baseline: replay every event


def long_relationship(app: SessionsApplication, events: int) -> Relationship:
    mentee, mentor, now = uuid4(), uuid4(), datetime(2026, 1, 1, tzinfo=UTC)
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(mentee), "role": "mentee"}, {"participant_id": str(mentor), "role": "mentor"}],
        goals=[{"topic": "speaking", "outcome": "talk"}], cadence_days=7, length_weeks=520,
        ground_rules={"cancellation_notice_hours": 24}, started_at=now)
    version = relationship.propose_agreement(mentee, {"end_date": "2036-01-01"}, now)
    for person in (mentee, mentor):
        relationship.sign_agreement(person, version, now)
        relationship.acknowledge_ground_rules(person, now)
    app.save(relationship)
    while relationship.version < events:
        session = uuid4()
        relationship.schedule_session(mentee, session, now + timedelta(days=1), 60, "video", "", now)
        relationship.mark_session_held(mentor, session, 55, [0], {str(mentee): ["x"]}, now)
        if relationship.version % 50 < 2:
            app.save(relationship)
    app.save(relationship)
    return relationship


def median_ms(work) -> float:  # noqa: ANN001
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    settings = Settings()
    database = f"bench_{uuid4().hex[:8]}"
    create_database_sync(settings, database)
    scoped = settings.model_copy(update={"sessions_database": database})
    snapshotting, replaying = SessionsApplication(scoped), WithoutSnapshots(scoped)
    try:
        print(f"{'events':>8} {'with snapshots':>16} {'without':>10} {'ratio':>7} {'timeline':>10}")
        for length in LENGTHS:
            relationship = long_relationship(snapshotting, length)
            fast = median_ms(lambda: snapshotting.repository.get(relationship.id))
            slow = median_ms(lambda: replaying.repository.get(relationship.id))
            story = median_ms(lambda: build_timeline(snapshotting, relationship.id, None, None))
            print(f"{relationship.version:>8} {fast:>13.2f} ms {slow:>7.2f} ms {slow / fast:>6.1f}x {story:>7.1f} ms")
    finally:
        snapshotting.close()
        replaying.close()
        drop_database_sync(settings, database)


if __name__ == "__main__":
    main()
