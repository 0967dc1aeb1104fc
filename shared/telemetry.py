"""OpenTelemetry spans for the path a write takes: the HTTP request (FastAPI records
its server span itself), the relay's publish, the consumer's apply. Exported over
OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set;
otherwise no span is recorded and the W3C traceparent is still carried one hop on
(shared/tracing.py), so a trace stays whole across services either way.

The traceparent each step hands on (stored with the events it writes, or put on the
message it publishes) is the step's own span: a consumer's span is a child of the
relay's publish, which is a child of the request that wrote the event.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.tracing import child_traceparent

_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("mentoring")
PRODUCER, CONSUMER = SpanKind.PRODUCER, SpanKind.CONSUMER


def configure_tracing(service: str, endpoint: str | None) -> None:
    """Once per process, at start; without an endpoint the API's no-op tracer stays."""
    if not endpoint:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")))
    trace.set_tracer_provider(provider)


def traceparent_of(span: Span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


@contextmanager
def span(name: str, kind: SpanKind, parent: str | None, **attributes: str) -> Iterator[str | None]:
    """A span under `parent` (a traceparent, or None to start a trace); yields the
    traceparent to carry on."""
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        # No provider configured: nothing would be recorded, and the API's no-op span
        # still costs ~12 us of context attach and detach per event (a fifth of the
        # relay's envelope building); the traceparent goes one hop on all the same.
        yield child_traceparent(parent)
        return
    context = _propagator.extract({"traceparent": parent}) if parent else None
    with _tracer.start_as_current_span(name, context=context, kind=kind, attributes=attributes) as current:
        yield traceparent_of(current) if current.is_recording() else child_traceparent(parent)


def request_traceparent() -> str | None:
    """The traceparent of the span serving this request, when one is recorded."""
    current = trace.get_current_span()
    return traceparent_of(current) if current.is_recording() else None
