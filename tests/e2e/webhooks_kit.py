"""Public events written onto a test namespace's topics as the services' relays write
them, and the webhooks API as a partner calls it."""

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaProducer

from shared.contracts.sessions import RelationshipPaused
from shared.envelope import CloudEvent
from shared.settings import Settings
from tests.support.api_client import token


def paused(tenant: str, relationship: str | None = None) -> CloudEvent:
    """A public event about one relationship of `tenant` (the envelope names it)."""
    relationship = relationship or str(uuid4())
    program = str(uuid4())
    contract = RelationshipPaused(relationship_id=relationship, program_id=program, by=uuid4())
    return CloudEvent(
        id=str(uuid4()),
        source="/mentoring/sessions",
        type=contract.cloudevent_type(),
        subject=relationship,
        time=datetime.now(UTC),
        tenant=tenant,
        program=program,
        relationship=relationship,
        correlationid=uuid4().hex,
        sequence="1",
        dataschema="https://mentoring.example/events/sessions.json",
        data=contract.model_dump(mode="json"),
    )


def publish(settings: Settings, events: list[CloudEvent], key: bytes | None = None) -> None:
    """In this order; one key puts them on one partition, so they are ingested in order."""

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
        await producer.start()
        try:
            for event in events:
                await producer.send_and_wait(
                    settings.topic_for("sessions"),
                    event.to_bytes(),
                    key=key or (event.relationship or "").encode(),
                )
        finally:
            await producer.stop()

    asyncio.run(send())


class Partner:
    def __init__(self, settings: Settings, url: str, organization: str, role: str = "partner"):
        self.organization = organization
        self.client = httpx.Client(
            base_url=url,
            headers={"authorization": f"Bearer {token(settings, organization, role)}"},
            timeout=30,
        )

    def register(self, url: str, types: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        answer = self.client.post(
            "/v1/webhooks",
            json={"url": url, "types": types or [], **extra},
            headers={"idempotency-key": uuid4().hex},
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    def deliveries(self, endpoint_id: str) -> list[dict[str, Any]]:
        answer = self.client.get(f"/v1/webhooks/{endpoint_id}/deliveries", params={"limit": 200})
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    def endpoint(self, endpoint_id: str) -> dict[str, Any]:
        answer = self.client.get(f"/v1/webhooks/{endpoint_id}")
        assert answer.status_code == 200, answer.text
        return answer.json()
