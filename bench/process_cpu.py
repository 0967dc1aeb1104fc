"""CPU time spent by processes, read from /proc: the server, PostgreSQL's backends
for one database, and the load generator itself. CPU per request is what a shared,
noisy machine does not distort much, unlike wall time."""

import os
import resource

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system time of one process (all its threads); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name may hold spaces; fields after it are fixed.
            fields = stat.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_pids(admin_dsn: str, database: str) -> list[int]:
    """PostgreSQL's server processes serving `database` (it runs on this machine)."""
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return [row[0] for row in rows]


class CpuMeter:
    """CPU spent between start() and stop() by the server, its database and us."""

    def __init__(self, server_pid: int, admin_dsn: str, database: str, worker_pid: int | None = None) -> None:
        self.server_pid, self.admin_dsn, self.database = server_pid, admin_dsn, database
        self.worker_pid = worker_pid  # the service's background-work process, when split off

    def start(self) -> None:
        self._server = cpu_seconds(self.server_pid)
        self._worker = cpu_seconds(self.worker_pid) if self.worker_pid else 0.0
        self._backends = {pid: cpu_seconds(pid) for pid in backend_pids(self.admin_dsn, self.database)}
        self._own = own_cpu_seconds()

    def stop(self) -> dict[str, float]:
        own = own_cpu_seconds() - self._own
        server = cpu_seconds(self.server_pid) - self._server
        # A backend opened during the round counts whole; one closed during it is lost (rare: pools keep theirs).
        postgres = sum(cpu_seconds(pid) - self._backends.get(pid, 0.0)
                       for pid in backend_pids(self.admin_dsn, self.database))
        if self.worker_pid is None:
            return {"server": server, "postgres": postgres, "client": own}
        worker = cpu_seconds(self.worker_pid) - self._worker
        return {"server": server, "worker": worker, "postgres": postgres, "client": own}
