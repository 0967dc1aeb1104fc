"""Topic names: one public topic per service, plus its dead-letter topic."""


def service_topic(service: str) -> str:
    return f"mentoring.{service}.v1"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
