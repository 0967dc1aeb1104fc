"""Opaque cursors for keyset pagination: stable under inserts, unlike offsets."""

import base64
import json
from typing import Any

from shared.http.problems import Problem


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(422, "validation-failed", "query.cursor: not a cursor this API issued",
                      errors=[{"field": "query.cursor", "reason": "not a cursor this API issued"}]) from error
    if not isinstance(value, dict):
        raise Problem(422, "validation-failed", "query.cursor: not a cursor this API issued",
                      errors=[{"field": "query.cursor", "reason": "not a cursor this API issued"}])
    return value
