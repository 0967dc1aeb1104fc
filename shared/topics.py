"""Dead-letter topics: where a consumer puts what it cannot apply (service topics: Settings.topic_for)."""


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
