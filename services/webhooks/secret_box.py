"""Endpoint secrets at rest: AES-GCM under the deployment's CIPHER_KEY, bound to the
endpoint's id, so a database dump alone signs nothing and a sealed secret copied onto
another endpoint's row does not open."""

import base64
import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class SecretBox:
    def __init__(self, master_key_b64: str) -> None:
        self._aead = AESGCM(base64.b64decode(master_key_b64))

    def seal(self, endpoint_id: UUID, secret: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, secret.encode(), endpoint_id.bytes)

    def open(self, endpoint_id: UUID, sealed: bytes) -> str:
        return self._aead.decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], endpoint_id.bytes
        ).decode()
