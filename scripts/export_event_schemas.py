"""Writes one JSON Schema per public event contract into docs/events/."""

import json
import sys
from pathlib import Path

import shared.contracts.intake  # noqa: F401  (importing registers the contracts)
import shared.contracts.matching  # noqa: F401
import shared.contracts.sessions  # noqa: F401
from shared.contracts.base import CONTRACTS

EVENTS_DIR = Path(__file__).resolve().parent.parent / "docs" / "events"


def rendered_schemas() -> dict[str, str]:
    return {
        f"{type_name}.json": json.dumps(contract.json_schema(), indent=2, sort_keys=True) + "\n"
        for type_name, contract in sorted(CONTRACTS.items())
        if type_name.split(".")[1] in {"intake", "matching", "sessions"}
    }


def main() -> int:
    EVENTS_DIR.mkdir(parents=True, exist_ok=True)
    wanted = rendered_schemas()
    for stale in set(path.name for path in EVENTS_DIR.glob("*.json")) - set(wanted):
        (EVENTS_DIR / stale).unlink()
    for name, text in wanted.items():
        (EVENTS_DIR / name).write_text(text)
    print(f"wrote {len(wanted)} schemas to {EVENTS_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
