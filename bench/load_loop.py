"""Closed-loop HTTP load: N clients, each on its own keep-alive connection, sending
requests back to back for a fixed time; the next request leaves when the answer came.

The client is a bare HTTP/1.1 exchange on asyncio streams rather than httpx, whose
own per-request work would share the two cores with the baseline and flatter the
service. Its CPU per request is reported, so a saturated client would show."""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# client index -> the next call, or None when there is nothing left to send
NextCall = Callable[[int], Call | None]
Answered = Callable[[Call, bytes], None]


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, call: Call) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = [f"{call.method} {call.path} HTTP/1.1", f"host: {self.host}:{self.port}",
                f"content-length: {len(call.body)}", *(f"{k}: {v}" for k, v in call.headers.items())]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + call.body)
        status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (ln.partition(":") for ln in lines if ln)}
        if "content-length" not in headers:
            raise RuntimeError(f"answer without content-length: {headers}")  # uvicorn always sends it here
        body = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(status_line.split(" ", 2)[1]), body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class RoundResult:
    seconds: float
    latencies: list[float]
    refused: Counter[int]
    first_refusal: str = ""
    ran_dry: bool = False

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


async def closed_loop(host: str, port: int, clients: int, seconds: float, next_call: NextCall,
                      answered: Answered | None = None) -> RoundResult:
    """Only 2xx answers count; any other answer is tallied and its first body kept."""
    loop = asyncio.get_running_loop()
    result = RoundResult(0.0, [], Counter())
    deadline = loop.time() + seconds

    async def client(index: int) -> None:
        connection = Connection(host, port)
        try:
            while loop.time() < deadline:
                call = next_call(index)
                if call is None:
                    result.ran_dry = True
                    return
                started = time.perf_counter()
                status, body = await connection.send(call)
                elapsed = time.perf_counter() - started
                if 200 <= status < 300:
                    result.latencies.append(elapsed)
                    if answered is not None:
                        answered(call, body)
                else:
                    result.refused[status] += 1
                    result.first_refusal = result.first_refusal or body.decode(errors="replace")[:300]
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(index) for index in range(clients)))
    result.seconds = time.perf_counter() - started
    return result
