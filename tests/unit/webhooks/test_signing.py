"""Our Standard Webhooks signatures verify with the independent `standardwebhooks`
package, with either secret while a rotated one overlaps, and with neither when the
body, id or timestamp changed."""

import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.webhooks.signing import message_id, new_secret, signature_header

BODY = b'{"id":"e1","type":"mentoring.sessions.RelationshipPaused.v1"}'


def headers(secrets: list[str], body: bytes = BODY, at: int | None = None) -> dict[str, str]:
    stamp = at or int(time.time())
    identity = message_id("e1", "endpoint-1")
    return {
        "webhook-id": identity,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature_header(secrets, identity, stamp, body),
    }


def test_a_secret_is_whsec_and_base64_of_32_random_bytes():
    import base64

    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert new_secret() != secret


def test_the_signature_verifies_with_the_standardwebhooks_package():
    secret = new_secret()
    assert Webhook(secret).verify(BODY, headers([secret]))["id"] == "e1"


def test_both_secrets_verify_while_a_rotated_one_still_signs():
    old, new = new_secret(), new_secret()
    both = headers([new, old])
    assert both["webhook-signature"].count("v1,") == 2
    Webhook(old).verify(BODY, both)
    Webhook(new).verify(BODY, both)


@pytest.mark.parametrize("tamper", ["body", "id", "secret"])
def test_a_changed_message_or_another_secret_does_not_verify(tamper):
    secret = new_secret()
    sent = headers([secret])
    body = BODY
    if tamper == "body":
        body = BODY.replace(b"e1", b"e2")
    elif tamper == "id":
        sent["webhook-id"] = "someone-else"
    else:
        secret = new_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, sent)


def test_the_message_id_is_the_event_and_the_endpoint():
    assert message_id("event-7", "endpoint-3") == "event-7.endpoint-3"
