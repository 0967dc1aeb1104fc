"""Rotating the master key of a running deployment: intake restarted with a new
CIPHER_KEY and the old one retired reads everything stored before; `shared.rekey`
re-seals events, snapshots and data keys, after which the old key can go."""

import asyncio
import base64
import os
from uuid import uuid4

import pytest

from services.intake.main import build
from shared.rekey import rekey
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.integration

NEW_KEY = base64.b64encode(os.urandom(32)).decode()
NEW_VAULT_KEY = base64.b64encode(os.urandom(32)).decode()


def enrol(client, settings):
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    program = client.post("/v1/programs", headers=operator,
                          json={"name": "Rotation", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
    enrolled = client.post("/v1/participants", headers=partner, json={
        "program_id": program.json()["id"], "name": "Ada Lovelace", "contact_email": "ada@example.com",
        "consent_given": True, "profile": profile("mentee", [], ["python"], 3, "acme")})
    assert enrolled.status_code == 201, enrolled.text
    return enrolled.json()["id"], partner


def read(client, participant_id, partner):
    """Once the read model has it (the projector follows the store)."""
    return eventually(lambda: (answer := client.get(f"/v1/participants/{participant_id}", headers=partner))
                      .status_code != 404 and answer, what="the participant in the read model")


def test_a_rotated_key_reads_the_old_store_and_rekey_lets_the_old_key_go(server_settings):
    database = f"rotation_{uuid4().hex[:10]}"
    create_database_sync(server_settings, database)
    old = server_settings
    secret = type(old.cipher_key)
    # Both keys rotate: the store's and the one wrapping people's data keys.
    rotated = old.model_copy(update={
        "cipher_key": secret(NEW_KEY), "cipher_keys_retired": secret(old.cipher_key.get_secret_value()),
        "vault_key": secret(NEW_VAULT_KEY), "vault_keys_retired": secret(old.vault_key.get_secret_value())})
    only_new = rotated.model_copy(update={"cipher_keys_retired": secret(""), "vault_keys_retired": secret("")})
    try:
        with service_client(old, "intake", build, database=database) as (client, settings):
            participant_id, partner = enrol(client, settings)
            assert read(client, participant_id, partner).json()["personal"]["name"] == "Ada Lovelace"

        with service_client(rotated, "intake", build, database=database) as (client, settings):
            answer = read(client, participant_id, partner)
            assert answer.status_code == 200, answer.text
            assert answer.json()["personal"] == {"name": "Ada Lovelace", "contact_email": "ada@example.com"}

        scoped = rotated.model_copy(update={"intake_database": database})
        done = asyncio.run(rekey(scoped, "intake"))
        assert done.events > 0 and done.data_keys == 1
        again = asyncio.run(rekey(scoped, "intake"))
        assert (again.events, again.snapshots, again.data_keys) == (0, 0, 0)

        with service_client(only_new, "intake", build, database=database) as (client, settings):
            answer = read(client, participant_id, partner)
            assert answer.status_code == 200, answer.text
            assert answer.json()["personal"]["name"] == "Ada Lovelace"
    finally:
        drop_database_sync(server_settings, database)
