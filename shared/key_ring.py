"""Master keys that can be rotated: one current key seals, retired keys still open.

What a key sealed names the key: `KEY_MARK` + a 4-byte key id (from the key's SHA-256),
then AES-GCM's nonce, tag and text. Rotating is: set the new key as CIPHER_KEY, list
the old one in CIPHER_KEYS_RETIRED, restart; everything stored before still opens, new
writes use the new key, and `python -m shared.rekey <service>` re-seals what is stored
so the old key can then be dropped. Text sealed before key ids existed carries no mark:
it is opened by trying each key (AES-GCM refuses a wrong key, so a wrong guess is
detected, never misread).
"""

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

KEY_MARK = b"\x01K"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
TAG_BYTES = 16


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def decode_key(text: str) -> bytes:
    key = base64.b64decode(text.strip())
    if len(key) not in (16, 24, 32):
        raise ValueError("a cipher key is 16, 24 or 32 bytes, base64 encoded")
    return key


class KeyRing:
    def __init__(self, current: str, retired: list[str] | tuple[str, ...] = ()) -> None:
        self.current = decode_key(current)
        self.keys = {key_id(key): key for key in [decode_key(text) for text in retired if text.strip()]}
        self.keys[key_id(self.current)] = self.current

    @classmethod
    def from_texts(cls, current: str, retired: str) -> "KeyRing":
        return cls(current, [text for text in retired.split(",") if text.strip()])

    def seal(self, plaintext: bytes, associated: bytes | None = None) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, plaintext, associated)
        # The tag in front, as eventsourcing's AESCipher lays it out.
        return KEY_MARK + key_id(self.current) + nonce + sealed[-TAG_BYTES:] + sealed[:-TAG_BYTES]

    def open(self, ciphertext: bytes, associated: bytes | None = None) -> bytes:
        if ciphertext.startswith(KEY_MARK):
            marked_id = ciphertext[len(KEY_MARK):len(KEY_MARK) + KEY_ID_BYTES]
            key = self.keys.get(marked_id)
            if key is not None:
                try:
                    return _open(key, ciphertext[len(KEY_MARK) + KEY_ID_BYTES:], associated)
                except InvalidTag:
                    pass  # an unmarked text whose nonce happens to begin with the mark
        for key in self.keys.values():
            try:
                return _open(key, ciphertext, associated)
            except InvalidTag:
                continue
        raise ValueError("sealed with a key that is neither CIPHER_KEY nor one of CIPHER_KEYS_RETIRED")

    def is_current(self, ciphertext: bytes) -> bool:
        return ciphertext.startswith(KEY_MARK + key_id(self.current))


def _open(key: bytes, body: bytes, associated: bytes | None) -> bytes:
    nonce, tag, text = body[:NONCE_BYTES], body[NONCE_BYTES:NONCE_BYTES + TAG_BYTES], body[NONCE_BYTES + TAG_BYTES:]
    if len(nonce) != NONCE_BYTES or len(tag) != TAG_BYTES:
        raise InvalidTag()
    return AESGCM(key).decrypt(nonce, text + tag, associated)


class RotatingCipher(Cipher):
    """The event store's cipher (CIPHER_TOPIC): every stored event through the key ring."""

    def __init__(self, environment: Environment) -> None:
        self.ring = KeyRing.from_texts(environment.get("CIPHER_KEY") or "",
                                       environment.get("CIPHER_KEYS_RETIRED") or "")

    def encrypt(self, plaintext: bytes) -> bytes:
        return self.ring.seal(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        return self.ring.open(ciphertext)
