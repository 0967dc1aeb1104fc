"""The built-in development secrets never reach a deployment silently."""

import pytest
from pydantic import ValidationError

from shared.settings import Settings

OWN = {"cipher_key": "c2VjcmV0LWtleS1vZi1vdXItb3duLTMyLWJ5dGVzISE=", "jwt_secret": "a-secret-of-our-own",
       "postgres_password": "another-secret", "vault_key": "dmF1bHQta2V5LW9mLW91ci1vd24tMzItYnl0ZXMhISE="}


@pytest.mark.parametrize("left_default", sorted(OWN))
def test_outside_development_each_built_in_secret_is_refused_by_name(left_default):
    chosen = {name: value for name, value in OWN.items() if name != left_default}
    with pytest.raises(ValidationError, match=left_default.upper()):
        Settings(environment="production", **chosen)


def test_outside_development_secrets_of_ones_own_are_accepted():
    assert Settings(environment="production", **OWN).environment == "production"


def test_in_development_the_built_in_secrets_still_work():
    assert Settings(environment="development").jwt_secret.get_secret_value()


def test_min_insync_replicas_cannot_exceed_the_replication_factor():
    with pytest.raises(ValidationError, match="MIN_INSYNC"):
        Settings(topic_replication_factor=1, topic_min_insync_replicas=2)


def test_the_store_and_the_per_person_keys_have_keys_of_their_own():
    settings = Settings()
    assert settings.vault_key.get_secret_value() != settings.cipher_key.get_secret_value()
    ring = settings.vault_ring()
    assert ring.current != settings.key_ring().current
    assert settings.key_ring().current in ring.keys.values(), "keys wrapped under the store's key still open"
