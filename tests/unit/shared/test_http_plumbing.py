from uuid import uuid4

import pytest

from shared.http.auth import issue_token, principal_from_token
from shared.http.pagination import decode_cursor, encode_cursor
from shared.http.problems import Problem, invalid_fields
from shared.http.versions import check_if_match
from shared.settings import Settings

SETTINGS = Settings()


def test_a_token_round_trips_to_the_principal_it_names():
    person = uuid4()
    token = issue_token(SETTINGS, "u1", "acme", ["participant"], participant_id=person)
    principal = principal_from_token(token, SETTINGS)
    assert (principal.subject, principal.tenant, principal.participant_id) == ("u1", "acme", person)
    assert principal.roles == {"participant"}


def test_a_token_signed_with_another_secret_is_refused():
    other = Settings(jwt_secret="another-secret-that-is-long-enough-1234")
    token = issue_token(other, "u1", "acme", ["operator"])
    with pytest.raises(Problem) as refused:
        principal_from_token(token, SETTINGS)
    assert refused.value.status == 401


def test_a_token_with_no_known_role_is_refused():
    token = issue_token(SETTINGS, "u1", "acme", ["superuser"])
    with pytest.raises(Problem):
        principal_from_token(token, SETTINGS)


def test_partners_act_only_for_their_own_tenant_and_participants_only_for_themselves():
    me, someone = uuid4(), uuid4()
    partner = principal_from_token(issue_token(SETTINGS, "p", "acme", ["partner"]), SETTINGS)
    person = principal_from_token(issue_token(SETTINGS, "x", "acme", ["participant"], participant_id=me), SETTINGS)
    operator = principal_from_token(issue_token(SETTINGS, "o", "ops", ["operator"]), SETTINGS)
    assert partner.acts_for(someone, "acme") and not partner.acts_for(someone, "globex")
    assert person.acts_for(me, "acme") and not person.acts_for(someone, "acme")
    assert operator.acts_for(someone, "globex")


def test_a_matching_if_match_passes_and_a_stale_one_is_412():
    check_if_match('"3"', 3)
    with pytest.raises(Problem) as stale:
        check_if_match('"2"', 3)
    assert stale.value.status == 412


def test_an_update_without_if_match_is_428():
    with pytest.raises(Problem) as missing:
        check_if_match(None, 1)
    assert missing.value.status == 428


def test_cursors_round_trip_and_garbage_is_a_422_naming_the_field():
    position = {"t": "2026-01-01T00:00:00+00:00", "id": "0b1e9c8e-4a47-4d6e-9a51-7f3f2f0c9d11"}
    assert decode_cursor(encode_cursor(position)) == position
    with pytest.raises(Problem) as bad:
        decode_cursor("%%%not-a-cursor")
    assert bad.value.status == 422
    assert bad.value.extra["errors"][0]["field"] == "query.cursor"


def test_validation_errors_name_each_field_by_its_path():
    fields = invalid_fields([{"loc": ("body", "goals", 0, "topic"), "msg": "too short"}])
    assert fields == [{"field": "body.goals.0.topic", "reason": "too short"}]
