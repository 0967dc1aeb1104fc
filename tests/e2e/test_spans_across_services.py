"""OpenTelemetry spans exported over OTLP/HTTP to a collector this test runs on loopback:
one trace from a person's accept (HTTP on matching) through matching's relay, Kafka and
sessions' consumer to the event sessions publishes, each span the child of the one
before; and a partner's request on intake traced into matching's consumer."""

import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import uuid4

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from tests.e2e.test_durable_timers import enrol_pair_and_request
from tests.support.api_client import Caller, eventually, token
from tests.support.processes import running_services
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.e2e
TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4736"


class Collector:
    """Keeps every span it is sent: (service, name, kind, trace id, span id, parent id)."""

    def __init__(self) -> None:
        self.spans: list[dict] = []
        self.lock = threading.Lock()

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")
            for scope in resource.scope_spans:
                with self.lock:
                    self.spans += [{"service": service, "name": s.name, "kind": s.kind, "trace": s.trace_id.hex(),
                                    "id": s.span_id.hex(), "parent": s.parent_span_id.hex()} for s in scope.spans]

    def in_trace(self, trace_id: str) -> list[dict]:
        with self.lock:
            return [s for s in self.spans if s["trace"] == trace_id]


@pytest.fixture(scope="module")
def traced_stack(server_settings, tmp_path_factory):
    collector = Collector()

    class Otlp(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            collector.receive(self.rfile.read(int(self.headers["content-length"])))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Otlp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    suffix = uuid4().hex[:8]
    databases = {name: f"otel_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"otel{suffix}"})
    env = {"TOPIC_NAMESPACE": settings.topic_namespace,
           "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}",
           "OTEL_BSP_SCHEDULE_DELAY": "100"}  # the SDK's export interval, ms
    try:
        with running_services(settings, databases, tmp_path_factory.mktemp("otel-logs"), env) as services:
            yield {"settings": settings, "services": services}, collector
    finally:
        server.shutdown()
        for database in databases.values():
            drop_database_sync(server_settings, database)


def one(spans: list[dict], service: str, name_part: str) -> dict | None:
    return next((s for s in spans if s["service"] == service and name_part in s["name"]), None)


def test_an_accept_is_one_trace_through_matching_kafka_and_sessions(traced_stack):
    stack, collector = traced_stack
    settings, services = stack["settings"], stack["services"]
    _, world = enrol_pair_and_request(stack)
    people = {role: Caller(services["matching"].url, token(settings, "acme", "participant", world[role]))
              for role in ("mentee", "mentor")}
    proposal = eventually(lambda: people["mentee"].get("/v1/matches", params={"request": world["request"]["id"]})
                          .json()["items"], what="a proposal")[0]
    assert people["mentee"].post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
    traced = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
    assert people["mentor"].post(f"/v1/matches/{proposal['id']}/accept", headers=traced).status_code == 200

    def whole_chain() -> dict | None:
        spans = collector.in_trace(TRACE_ID)
        chain = {"accept": one(spans, "matching", "POST /v1/matches/{match_id}/accept"),
                 "publish": one(spans, "matching", "publish mentoring.matching.MatchConfirmed"),
                 "apply": one(spans, "sessions", "apply mentoring.matching.MatchConfirmed"),
                 "started": one(spans, "sessions", "publish mentoring.sessions.RelationshipStarted")}
        return chain if all(chain.values()) else None

    chain = eventually(whole_chain, timeout=60, what="the accept's spans in matching and sessions")
    assert chain["accept"]["parent"] == "00f067aa0ba902b7", "the caller's span is the request's parent"
    assert chain["publish"]["parent"] == chain["accept"]["id"]
    assert chain["apply"]["parent"] == chain["publish"]["id"], "Kafka carried the publish span's context"
    assert chain["started"]["parent"] == chain["apply"]["id"]


def test_a_partners_request_on_intake_is_traced_into_matchings_consumer(traced_stack):
    stack, collector = traced_stack
    _, world = enrol_pair_and_request(stack)
    request_id = world["request"]["id"]

    def traced_request() -> tuple[dict, dict] | None:
        by_trace = defaultdict(list)
        for span in list(collector.spans):
            by_trace[span["trace"]].append(span)
        for spans in by_trace.values():
            post = one(spans, "intake", "POST /v1/requests")
            applied = one(spans, "matching", "apply mentoring.intake.MentorshipRequested")
            if post and applied:
                return post, applied
        return None

    post, applied = eventually(traced_request, timeout=60, what=f"the spans of request {request_id}")
    assert post["parent"] == "", "no traceparent was sent: intake started the trace"
    assert applied["trace"] == post["trace"]
