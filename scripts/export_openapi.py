"""Writes each service's OpenAPI document into docs/openapi/, for review and client generators.

`create_app()` connects to nothing, so this runs without servers.
"""

import json
import sys
from pathlib import Path

from services.intake.main import create_app as intake_app
from services.matching.main import create_app as matching_app
from services.sessions.main import create_app as sessions_app
from services.webhooks.main import create_app as webhooks_app

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "docs" / "openapi"
APPS = {
    "intake": intake_app, "matching": matching_app, "sessions": sessions_app,
    "webhooks": webhooks_app,
}


def rendered_documents() -> dict[str, str]:
    return {f"{service}.json": json.dumps(create().openapi(), indent=2, sort_keys=True) + "\n"
            for service, create in APPS.items()}


def main() -> int:
    OPENAPI_DIR.mkdir(parents=True, exist_ok=True)
    documents = rendered_documents()
    for name, text in documents.items():
        (OPENAPI_DIR / name).write_text(text)
    print(f"wrote {len(documents)} OpenAPI documents to {OPENAPI_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
