"""Opaque cursors for keyset pagination: stable under inserts, unlike offsets.

A cursor is the position after which the next page starts: `t`, the last item's
ISO timestamp in UTC, and `id`, its UUID. A cursor is opaque to clients but not
trusted: one that decodes yet is not a position we could have issued (edited, or
from another API) is refused like garbage, before any query uses it.
"""

import base64
import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from shared.http.problems import Problem

NOT_OURS = "not a cursor this API issued"


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, UnicodeDecodeError) as error:
        raise refused() from error
    if not is_position(value):
        raise refused()
    return value


def is_position(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != {"t", "id"}:
        return False
    if not (isinstance(value["t"], str) and isinstance(value["id"], str)):
        return False
    try:
        moment = datetime.fromisoformat(value["t"])
        UUID(value["id"])
    except ValueError:
        return False
    # Ours are always in UTC (as PostgreSQL gives timestamptz back); another offset
    # could overflow when converted, near datetime's limits.
    return moment.utcoffset() == timedelta(0)


def refused() -> Problem:
    return Problem(422, "validation-failed", f"query.cursor: {NOT_OURS}",
                   errors=[{"field": "query.cursor", "reason": NOT_OURS}])
