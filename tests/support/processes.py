"""Runs the three services as separate OS processes, as operators run them."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "matching", "sessions")
# Insights reads the other three's public topics; tests that need it start it themselves.
INSIGHTS = "insights"
# Webhooks likewise: its own process on the public topics (services/webhooks).
WEBHOOKS = "webhooks"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    factory: str | None = None  # module:function; services.<name>.main:create_app when None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.migrate(log)  # a stand-in factory still runs the service's runtime on its database
        factory = self.factory or f"services.{self.name}.main:create_app"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory,
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self.wait_until_healthy()

    def migrate(self, log: Any) -> None:
        """As deploy/stack.sh does before each start: a service refuses an unmigrated database."""
        migrated = subprocess.run([sys.executable, "-m", "shared.migrate", self.name],
                                  cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if migrated.returncode != 0:
            log_tail = self.log_path.read_text()[-4000:]
            raise RuntimeError(f"migrating {self.name} failed:\n{log_tail}")

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-4000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self, **env_changes: str) -> None:
        self.stop()
        self.env = {**self.env, **env_changes}
        self.start()

    def kill(self, **env_changes: str) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Then start again."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.env = {**self.env, **env_changes}
        self.start()


def service_env(settings: Settings, databases: dict[str, str], topic_suffix: str = "") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=settings.kafka_bootstrap_servers,
        POSTGRES_HOST=settings.postgres_host,
        POSTGRES_PORT=str(settings.postgres_port),
        POSTGRES_USER=settings.postgres_user,
        POSTGRES_PASSWORD=settings.postgres_password.get_secret_value(),
        INTAKE_DATABASE=databases["intake"],
        MATCHING_DATABASE=databases["matching"],
        SESSIONS_DATABASE=databases["sessions"],
        **({"INSIGHTS_DATABASE": databases["insights"]} if "insights" in databases else {}),
        **({"WEBHOOKS_DATABASE": databases["webhooks"]} if "webhooks" in databases else {}),
        RELAY_POLL_SECONDS="0.5",
        TIMER_POLL_SECONDS="0.5",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def running_services(settings: Settings, databases: dict[str, str], log_dir: Path,
                     extra_env: dict[str, str] | None = None) -> Iterator[dict[str, ServiceProcess]]:
    env = {**service_env(settings, databases), **(extra_env or {})}
    services = {
        name: ServiceProcess(name, free_port(), env, log_dir / f"{name}.log") for name in SERVICES
    }
    with all_started(services):
        yield services


@contextmanager
def all_started(processes: dict[str, ServiceProcess]) -> Iterator[None]:
    """Starts them in order; stops every one afterwards, also when a start failed."""
    try:
        for process in processes.values():
            process.start()
        yield
    finally:
        for process in processes.values():
            process.stop()


def insights_process(settings: Settings, databases: dict[str, str], log_dir: Path,
                     extra_env: dict[str, str] | None = None, factory: str | None = None) -> ServiceProcess:
    """Insights as its own process (not started): databases must name an "insights" one."""
    env = {**service_env(settings, databases), **(extra_env or {})}
    return ServiceProcess(INSIGHTS, free_port(), env, log_dir / "insights.log", factory=factory)


def webhooks_process(settings: Settings, database: str, log_dir: Path,
                     extra_env: dict[str, str] | None = None) -> ServiceProcess:
    """Webhooks as its own process (not started) on its database; it needs none of the
    other services' databases, only their topics."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=settings.kafka_bootstrap_servers,
        POSTGRES_HOST=settings.postgres_host,
        POSTGRES_PORT=str(settings.postgres_port),
        POSTGRES_USER=settings.postgres_user,
        POSTGRES_PASSWORD=settings.postgres_password.get_secret_value(),
        WEBHOOKS_DATABASE=database,
        TOPIC_NAMESPACE=settings.topic_namespace,
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
    return ServiceProcess(WEBHOOKS, free_port(), env, log_dir / "webhooks.log")
