"""Rounds of one scenario against the real server and its baseline, summarised as
min / median / max and as ratios of the medians."""

import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.load_loop import RoundResult
from bench.process_cpu import CpuMeter


@dataclass
class Measured:
    result: RoundResult
    cpu: dict[str, float]  # seconds, per process kind
    catch_up_seconds: float = 0.0

    def figures(self) -> dict[str, float]:
        served = max(len(self.result.latencies), 1)
        return {"req/s": self.result.rate, "p50 ms": self.result.median_ms, "p99 ms": self.result.percentile_ms(0.99),
                **{f"cpu {kind} ms/req": seconds * 1000 / served for kind, seconds in self.cpu.items()}}


@dataclass
class Target:
    label: str
    port: int
    meter: CpuMeter
    settle: Callable[[], float] | None = None  # waits for the server's background work; returns seconds


async def measure(target: Target, run: Callable[[int], Awaitable[RoundResult]]) -> Measured:
    target.meter.start()
    result = await run(target.port)
    catch_up = target.settle() if target.settle else 0.0
    return Measured(result, target.meter.stop(), catch_up)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} ({min(values):.1f}-{max(values):.1f})"


def report(title: str, rounds: dict[str, list[Measured]]) -> dict[str, dict[str, float]]:
    """Prints each target's figures and the ratios of their medians; returns the medians.
    Labels come in order: intake, any variant of it, then "baseline"."""
    print(f"\n== {title} ==")
    medians: dict[str, dict[str, float]] = {}
    for label, measured in rounds.items():
        per_round = [m.figures() for m in measured]
        medians[label] = {name: statistics.median(f[name] for f in per_round) for name in per_round[0]}
        print(f"  {label}: median (min-max) of {len(measured)} rounds")
        for name in per_round[0]:
            print(f"    {name:<22} {spread([f[name] for f in per_round])}")
        refused = sum((m.result.refused for m in measured), start=type(measured[0].result.refused)())
        if refused:
            first = next(m.result.first_refusal for m in measured if m.result.first_refusal)
            print(f"    refused answers {dict(refused)}; first: {first}")
        if any(m.result.ran_dry for m in measured):
            print("    WARNING: ran out of prepared work before the round ended")
        if any(m.catch_up_seconds for m in measured):
            print(f"    followers caught up {spread([m.catch_up_seconds for m in measured])} s after the round"
                  " (their CPU is counted)")
    for label in medians:
        if label != "baseline":
            print_ratio(medians, label, "baseline")
    for label in list(medians)[1:-1]:  # a variant of intake against intake as it is
        print_ratio(medians, label, next(iter(medians)))
    return medians


def print_ratio(medians: dict[str, dict[str, float]], label: str, against: str) -> None:
    ratio = {name: medians[label][name] / medians[against][name] for name in medians[label]
             if medians[against].get(name)}
    print(f"  {label} / {against} (ratio of medians): " + ", ".join(f"{n} {v:.2f}x" for n, v in ratio.items()))
