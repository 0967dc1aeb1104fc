"""One JSON log line per request (method, route template, status, latency, correlation
id), switched off by REQUEST_LOG=false."""

import json
import logging

import pytest

from services.intake.main import build
from shared.http.observability import JsonFormatter
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration


class Lines(logging.Handler):
    """Formats at emit time, as the service's own handler does (the trace is current then)."""

    def __init__(self) -> None:
        super().__init__()
        self.formatter_ = JsonFormatter("intake")
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.formatter_.format(record)))


@pytest.mark.parametrize("enabled", [True, False])
def test_each_request_is_one_json_line_naming_its_route_not_its_ids(server_settings, enabled):
    settings = server_settings.model_copy(update={"request_log": enabled})
    with service_client(settings, "intake", build) as (client, scoped):
        operator = {"authorization": f"Bearer {token(scoped, 'ops', 'operator')}", "x-correlation-id": "corr-42"}
        captured = Lines()
        logging.getLogger("mentoring.requests").addHandler(captured)
        program = client.post("/v1/programs", headers=operator, json={
            "name": "Logged", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        client.get(f"/v1/programs/{program['id']}", headers=operator)
        logging.getLogger("mentoring.requests").removeHandler(captured)
    lines = captured.lines
    if not enabled:
        assert lines == []
        return
    read = next(line for line in lines if line["method"] == "GET")
    assert read["route"] == "/v1/programs/{program_id}" and program["id"] not in json.dumps(read)
    assert read["status"] == 200 and read["ms"] >= 0 and read["correlation_id"] == "corr-42"
    assert any(line["method"] == "POST" and line["status"] == 201 for line in lines)
