"""The key ring: one key seals, retired keys still open, and text sealed before key ids
existed (eventsourcing's AESCipher layout) opens too."""

import base64
import os

import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from shared.key_ring import KeyRing, RotatingCipher

OLD, NEW, OTHER = (base64.b64encode(os.urandom(32)).decode() for _ in range(3))


def test_what_the_current_key_sealed_opens_and_names_that_key():
    ring = KeyRing(NEW)
    sealed = ring.seal(b"an event")
    assert ring.open(sealed) == b"an event" and ring.is_current(sealed)


def test_after_a_rotation_what_the_old_key_sealed_still_opens_and_new_text_uses_the_new_key():
    before = KeyRing(OLD).seal(b"written last year")
    rotated = KeyRing(NEW, [OLD])
    assert rotated.open(before) == b"written last year"
    assert not rotated.is_current(before) and rotated.is_current(rotated.seal(b"today"))


def test_text_sealed_by_eventsourcings_cipher_before_key_ids_opens_with_the_key_it_used():
    legacy = AESCipher(Environment(env={"CIPHER_KEY": OLD})).encrypt(b"from the first release")
    assert KeyRing(NEW, [OLD]).open(legacy) == b"from the first release"
    cipher = RotatingCipher(Environment(env={"CIPHER_KEY": NEW, "CIPHER_KEYS_RETIRED": f"{OTHER},{OLD}"}))
    assert cipher.decrypt(legacy) == b"from the first release"


def test_a_key_the_ring_does_not_hold_is_refused_not_misread():
    with pytest.raises(ValueError, match="CIPHER_KEYS_RETIRED"):
        KeyRing(NEW).open(KeyRing(OLD).seal(b"secret"))


def test_associated_data_binds_a_sealed_text_to_its_subject():
    ring = KeyRing(NEW)
    with pytest.raises(ValueError):
        ring.open(ring.seal(b"key of ada", b"ada"), b"grace")


def test_a_key_of_the_wrong_size_is_refused_at_start():
    with pytest.raises(ValueError, match="16, 24 or 32"):
        KeyRing(base64.b64encode(b"short").decode())


def test_a_data_key_wrapped_under_the_store_key_before_the_vault_had_its_own_still_opens():
    import uuid

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from shared.settings import Settings
    from shared.vault import Vault

    settings = Settings()
    person, data_key, nonce = uuid.uuid4(), os.urandom(32), os.urandom(12)
    # As the vault stored it then: nonce, then the key sealed under CIPHER_KEY, tag at the end.
    wrapped = nonce + AESGCM(base64.b64decode(settings.cipher_key.get_secret_value())).encrypt(
        nonce, data_key, person.bytes)
    assert Vault(None, settings.vault_ring())._unseal(wrapped, person) == data_key
