"""Tokens from a partner's own identity provider (RS256 / ES256 against a JWKS served on
loopback by this test), on intake with real PostgreSQL and Kafka."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from services.intake.main import build
from shared.http.identity_providers import TrustedIssuer
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, token

pytestmark = pytest.mark.integration

ISSUER = "https://idp.acme.test"


class Provider:
    """The partner's identity provider: its signing keys and the JWKS it publishes."""

    def __init__(self) -> None:
        self.keys = {"rsa-1": (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"),
                     "ec-1": (ec.generate_private_key(ec.SECP256R1()), "ES256")}
        self.published = set(self.keys)
        self.fetches = 0

    def jwks(self) -> dict:
        keys = []
        for kid in sorted(self.published):
            private, algorithm = self.keys[kid]
            public = jwt.algorithms.get_default_algorithms()[algorithm].to_jwk(private.public_key(), as_dict=True)
            keys.append({**public, "kid": kid, "use": "sig", "alg": algorithm})
        return {"keys": keys}

    def rotate(self) -> str:
        self.keys["rsa-2"] = (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")
        self.published = {"rsa-2", "ec-1"}
        return "rsa-2"

    def token(self, kid: str = "rsa-1", audience: str = "mentoring-api", **claims) -> str:
        private, algorithm = self.keys[kid]
        now = datetime.now(UTC)
        body = {"sub": "hr-system", "roles": ["partner"], "iss": ISSUER, "aud": audience, "iat": now,
                "exp": now + timedelta(minutes=5), **claims}
        return jwt.encode(body, private, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture(scope="module")
def provider():
    idp = Provider()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            idp.fetches += 1
            if self.path != "/jwks.json":  # the other issuer's URL: a provider that is away
                self.send_response(503)
                self.end_headers()
                return
            body = json.dumps(idp.jwks()).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    idp.url = f"http://127.0.0.1:{server.server_port}/jwks.json"
    yield idp
    server.shutdown()


@pytest.fixture(scope="module")
def api(server_settings, provider):
    trusting = server_settings.model_copy(update={"trusted_issuers": {
        ISSUER: TrustedIssuer(jwks_url=provider.url, organization="acme"),
        "https://idp.down.test": TrustedIssuer(jwks_url=provider.url.replace("jwks", "never"), organization="down"),
    }})
    with service_client(trusting, "intake", build) as (client, settings):
        yield client, settings


def answer(api, token: str, path: str = "/v1/participants"):
    client, _ = api
    return client.get(path, headers={"authorization": f"Bearer {token}"})


@pytest.mark.parametrize("kid", ["rsa-1", "ec-1"])
def test_a_token_signed_by_the_partners_provider_is_accepted_for_its_organization(api, provider, kid):
    response = answer(api, provider.token(kid))
    assert response.status_code == 200, response.text


def test_the_provider_speaks_only_for_its_own_organization(api, provider):
    response = answer(api, provider.token(org="globex"))
    assert response.status_code == 401
    assert "does not speak for that org" in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_provider_cannot_grant_the_operator_role(api, provider):
    assert answer(api, provider.token(roles=["operator"])).status_code == 401


def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(api, provider):
    forger = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    forged = jwt.encode({"sub": "x", "roles": ["partner"], "iss": ISSUER, "aud": "mentoring-api",
                         "exp": now + timedelta(minutes=5)}, forger, algorithm="ES256", headers={"kid": "ec-1"})
    assert answer(api, forged).status_code == 401


def test_the_public_key_used_as_an_hmac_secret_is_refused(api, provider):
    """The classic algorithm confusion: HS256 signed with the provider's public key."""
    now = datetime.now(UTC)
    public_pem = provider.keys["rsa-1"][0].public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    def segment(value: dict) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signed = segment({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}) + b"." + segment(
        {"sub": "x", "roles": ["partner"], "iss": ISSUER, "aud": "mentoring-api",
         "exp": int((now + timedelta(minutes=5)).timestamp())})
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, signed, hashlib.sha256).digest()).rstrip(b"=")
    confused = (signed + b"." + signature).decode()
    assert answer(api, confused).status_code == 401


def test_a_token_for_another_audience_is_refused(api, provider):
    assert answer(api, provider.token(audience="someone-else")).status_code == 401


def test_keys_the_provider_rotated_in_are_fetched_when_a_token_names_them(api, provider):
    assert answer(api, provider.token("rsa-1")).status_code == 200
    new_kid = provider.rotate()
    rotated = provider.token(new_kid)
    # At most one refetch a second: the first try may come within a second of the last fetch.
    eventually(lambda: answer(api, rotated).status_code == 200, timeout=10, what="the rotated key")


def test_many_tokens_with_made_up_key_ids_do_not_hammer_the_provider(api, provider):
    before = provider.fetches
    for number in range(50):
        now = datetime.now(UTC)
        token = jwt.encode({"sub": "x", "roles": ["partner"], "iss": ISSUER, "aud": "mentoring-api",
                            "exp": now + timedelta(minutes=5)}, ec.generate_private_key(ec.SECP256R1()),
                           algorithm="ES256", headers={"kid": f"made-up-{number}"})
        assert answer(api, token).status_code == 401
    assert provider.fetches - before <= 2, "at most one fetch a second per provider"


def test_an_unreachable_provider_with_no_keys_kept_is_a_503_with_retry_after(api, provider):
    now = datetime.now(UTC)
    token = jwt.encode({"sub": "x", "roles": ["partner"], "iss": "https://idp.down.test", "aud": "mentoring-api",
                        "exp": now + timedelta(minutes=5)}, provider.keys["ec-1"][0], algorithm="ES256",
                       headers={"kid": "ec-1"})
    response = answer(api, token)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"].endswith("/identity-provider-unavailable")


def test_our_own_tokens_still_work_beside_the_providers(api):
    client, settings = api
    response = client.get("/v1/participants", headers={"authorization": f"Bearer {token(settings, 'acme', 'partner')}"})
    assert response.status_code == 200
