"""A Server-Sent Events reader for tests: reads a stream in a thread and keeps what it
saw (events with their ids, comments, the retry field) for the test to poll."""

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class SseEvent:
    id: str | None
    event: str
    data: str

    @property
    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class SseReader:
    url: str
    token: str
    params: list[tuple[str, str]] = field(default_factory=list)
    last_event_id: str | None = None
    events: list[SseEvent] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    retry: int | None = None
    last_id: str | None = None
    status: int | None = None
    ended: bool = False

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        headers = {"authorization": f"Bearer {self.token}"}
        if self.last_event_id is not None:
            headers["last-event-id"] = self.last_event_id
        try:
            with httpx.stream(
                "GET",
                self.url,
                params=self.params,
                headers=headers,
                timeout=httpx.Timeout(30, read=60),
            ) as response:
                self.status = response.status_code
                lines: dict[str, list[str]] = {}
                for line in response.iter_lines():
                    if self._stop.is_set():
                        return
                    self._line(line, lines)
        except httpx.HTTPError:
            pass
        finally:
            self.ended = True

    def _line(self, line: str, pending: dict[str, list[str]]) -> None:
        if line == "":
            if "id" in pending:
                self.last_id = pending["id"][-1]
            if "data" in pending:
                self.events.append(
                    SseEvent(
                        self.last_id,
                        (pending.get("event") or ["message"])[-1],
                        "\n".join(pending["data"]),
                    )
                )
            pending.clear()
        elif line.startswith(":"):
            self.comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "retry":
                self.retry = int(value)
            else:
                pending.setdefault(name, []).append(value)

    def messages(self) -> list[SseEvent]:
        return [event for event in list(self.events) if event.event == "message"]

    def close(self) -> None:
        """Stops at the next line (heartbeats keep lines coming)."""
        self._stop.set()
        self._thread.join(timeout=10)
