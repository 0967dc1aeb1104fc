"""Retries follow the configured waits, jittered, then stop; the default spans about a day."""

import random

from services.webhooks.retry_schedule import JITTER, RetrySchedule
from shared.settings import Settings


def test_each_failure_waits_its_step_jittered_and_the_last_gives_up():
    schedule = RetrySchedule.parse("1,10,100")
    draw = random.Random(7)
    assert schedule.attempts == 4
    for failures, base in ((1, 1), (2, 10), (3, 100)):
        for _ in range(50):
            wait = schedule.wait_after(failures, draw)
            assert base * (1 - JITTER) <= wait <= base * (1 + JITTER)
    assert schedule.wait_after(4, draw) is None


def test_jitter_spreads_endpoints_that_failed_together():
    schedule = RetrySchedule.parse("60")
    draw = random.Random(1)
    assert len({round(schedule.wait_after(1, draw), 3) for _ in range(20)}) > 10


def test_the_default_schedule_grows_and_spans_about_24_hours():
    waits = RetrySchedule.parse(Settings().webhook_retry_schedule).waits
    assert list(waits[:5]) == sorted(waits[:5])
    assert 20 * 3600 <= sum(waits) <= 28 * 3600
