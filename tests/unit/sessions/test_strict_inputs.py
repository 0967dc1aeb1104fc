"""Sessions' inputs hold integers to be integers and moments to carry an offset, as
the OpenAPI document says (a generated client sends what the schema allows)."""

import pytest
from pydantic import ValidationError

from services.sessions.api.forming import Signature
from services.sessions.api.meetings import CheckIn, Held, NewSession


SESSION = {"starts_at": "2030-01-01T10:00:00+00:00", "mode": "video"}


@pytest.mark.parametrize(("model", "refused", "accepted"), [
    (Signature, {"version": True}, {"version": 1}),
    (CheckIn, {"fit": True, "progress": 3}, {"fit": 1, "progress": 3}),
    (Held, {"minutes": 30, "goals_touched": [True]}, {"minutes": 30, "goals_touched": [1]}),
    (Held, {"minutes": True}, {"minutes": 1}),
    (NewSession, {**SESSION, "minutes": 30.0, "agenda": ""}, {**SESSION, "minutes": 30}),
])
def test_true_is_not_an_integer(model, refused, accepted):
    with pytest.raises(ValidationError):
        model.model_validate(refused)
    model.model_validate(accepted)


def test_the_schema_of_a_moment_requires_its_offset():
    schema = NewSession.model_json_schema()["properties"]["starts_at"]
    assert schema["format"] == "date-time"
    assert schema["pattern"].endswith("([Zz]|[+-]\\d{2}:\\d{2})$")
