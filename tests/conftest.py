"""Chooses the real servers the integration and end-to-end tests talk to.

In order: servers named by environment variables (KAFKA_BOOTSTRAP_SERVERS and
POSTGRES_HOST); testcontainers when a Docker engine answers; otherwise the local
stack from deploy/. A server that cannot be reached fails the run loudly.
"""

import os
import subprocess
from pathlib import Path

import pytest

from shared.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def docker_engine_reachable() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def settings_from_testcontainers(request: pytest.FixtureRequest) -> Settings:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    postgres = PostgresContainer("postgres:15", username="mentoring", password="mentoring", dbname="postgres")
    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft()
    postgres.start()
    kafka.start()
    request.addfinalizer(postgres.stop)
    request.addfinalizer(kafka.stop)
    return Settings(
        kafka_bootstrap_servers=kafka.get_bootstrap_server(),
        postgres_host=postgres.get_container_host_ip(),
        postgres_port=int(postgres.get_exposed_port(5432)),
    )


def settings_from_local_stack() -> Settings:
    for script in ("deploy/postgres.sh", "deploy/kafka.sh"):
        result = subprocess.run(["bash", script, "start"], cwd=REPO, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"{script} start failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return Settings()


@pytest.fixture(scope="session")
def server_settings(request: pytest.FixtureRequest) -> Settings:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("POSTGRES_HOST"):
        return Settings()
    if docker_engine_reachable():
        return settings_from_testcontainers(request)
    return settings_from_local_stack()
