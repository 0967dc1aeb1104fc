"""Standard Webhooks signatures (https://www.standardwebhooks.com): pure, no I/O.

A secret is `whsec_` + base64 of random bytes; the signature of a message is
`v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")). While a rotated secret
still signs, the header carries one signature per secret, space separated, so a
receiver that still holds the old secret verifies as well as one holding the new."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(
    secrets_in_use: list[str], message_id: str, timestamp: int, body: bytes
) -> str:
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_in_use)


def message_id(event_id: str, endpoint_id: str) -> str:
    """Stable across retries and redeliveries of one event to one endpoint: what the
    receiver dedupes on."""
    return f"{event_id}.{endpoint_id}"
