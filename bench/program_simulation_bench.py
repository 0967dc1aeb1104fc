"""The program simulation of tests/e2e/test_program_simulation.py at a larger size,
against the three services as processes; prints its figures and how long it took.

    source deploy/env.sh && .venv/bin/python -m bench.program_simulation_bench --mentees 400 --mentors 200

The run is sequential (one simulated partner), so the time is a latency budget of the
whole process across services, not a throughput figure; the suite's size is the baseline
run first, in the same invocation, so the ratio per request is comparable across machines.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(mentors: int, mentees: int) -> float:
    env = {**os.environ, "SIMULATION_MENTORS": str(mentors), "SIMULATION_MENTEES": str(mentees)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-s",
                           "tests/e2e/test_program_simulation.py"], cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    figures = [line for line in done.stdout.splitlines() if line.startswith("simulation:")]
    print(f"{mentors} mentors x {mentees} mentees: {'passed' if done.returncode == 0 else 'FAILED'} "
          f"in {elapsed:.1f} s ({elapsed / mentees * 1000:.0f} ms per request) {figures[0] if figures else ''}")
    if done.returncode != 0:
        print(done.stdout[-3000:])
    return elapsed / mentees


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentors", type=int, default=200)
    parser.add_argument("--mentees", type=int, default=400)
    options = parser.parse_args()
    baseline = run(8, 16)
    larger = run(options.mentors, options.mentees)
    print(f"per-request time at the larger size / at the suite's size: {larger / baseline:.2f}x")


if __name__ == "__main__":
    main()
