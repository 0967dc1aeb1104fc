"""Dead-letter topics and redrives (service topics: Settings.topic_for).

Consumers recognise a resent tail by the envelope's sequence (the highest applied
per partition). A message sent again on purpose, out of order — a dead letter after
a fix, a parked notification the relay retried — would look like that tail and be
dropped, so it carries REDRIVE_FOR: the consumer it is for (or every consumer), which
applies it once, tracked by the event's own id.
"""

REDRIVE_FOR = "mentoring-redrive-for"
EVERY_CONSUMER = "*"

# Headers a dead letter carries beside the original ones: why, which consumer, and
# where it was (`<topic>:<partition>:<offset>`), which `mentoring dlq redrive` reads.
DLQ_REASON = "dlq-reason"
DLQ_CONSUMER = "dlq-consumer"
DLQ_ORIGIN = "dlq-origin"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
