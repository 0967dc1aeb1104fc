"""The three services as separate OS processes on fresh databases and topics."""

from uuid import uuid4

import pytest

from tests.support.processes import running_services
from tests.support.servers import create_database_sync, drop_database_sync
from tests.support.webhook_receivers import Receiver, start_receiver, stop_receiver


@pytest.fixture(scope="module")
def stack(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {name: f"e2e_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"e2e{suffix}"})
    log_dir = tmp_path_factory.mktemp("service-logs")
    try:
        with running_services(settings, databases, log_dir, {"TOPIC_NAMESPACE": settings.topic_namespace}) as services:
            yield {"services": services, "settings": settings, "log_dir": log_dir, "databases": databases}
    finally:
        for database in databases.values():
            drop_database_sync(server_settings, database)


@pytest.fixture
def receivers():
    """Webhook receivers on loopback, made as a test asks (`receivers(hang=True)`), each
    stopped at the test's end."""
    started: list[Receiver] = []

    def receiver(**plan) -> Receiver:
        started.append(start_receiver(Receiver(**plan)))
        return started[-1]

    yield receiver
    for one in started:
        stop_receiver(one)
