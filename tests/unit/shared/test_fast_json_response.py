"""Answers rendered by orjson say exactly what FastAPI's own encoder said."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from uuid import uuid4

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel

from shared.http.responses import FastJSONResponse


class Mode(str, Enum):
    VIDEO = "video"


class Nested(BaseModel):
    at: datetime
    labels: list[str]


def test_the_same_json_as_fastapis_encoder_for_what_views_hold():
    person = uuid4()
    view = {
        "id": uuid4(), "at": datetime(2026, 12, 3, 13, 5, 7, 123456, tzinfo=UTC),
        "paris": datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))), "day": date(2026, 12, 3),
        "learned": {person: ["listening"]}, "mode": Mode.VIDEO, "tags": {"b"}, "pair": (1, 2.5),
        "nested": Nested(at=datetime(2026, 1, 1, tzinfo=UTC), labels=["é", "✓"]), "none": None, "yes": True,
    }
    assert json.loads(FastJSONResponse(view).body) == json.loads(json.dumps(jsonable_encoder(view)))
