"""A token verified once is trusted again only briefly, never past its exp, and a
refused one is never remembered."""

import pytest

from shared.http.auth import authenticate, issue_token
from shared.http.problems import Problem
from shared.http.verified_tokens import VerifiedTokens
from shared.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_remembered_token_is_served_until_the_window_ends():
    clock = Clock()
    tokens: VerifiedTokens[str] = VerifiedTokens(remember_seconds=60, wall_clock=clock)
    tokens.remember("t", "principal", expires_at=clock.now + 3600)
    clock.now += 59
    assert tokens.get("t") == "principal"
    clock.now += 1
    assert tokens.get("t") is None


def test_a_token_is_never_served_past_its_exp():
    clock = Clock()
    tokens: VerifiedTokens[str] = VerifiedTokens(remember_seconds=60, wall_clock=clock)
    tokens.remember("t", "principal", expires_at=clock.now + 5)
    clock.now += 5
    assert tokens.get("t") is None


def test_the_least_recently_used_token_makes_room():
    tokens: VerifiedTokens[str] = VerifiedTokens(max_tokens=2)
    far = 4_000_000_000.0
    tokens.remember("a", "A", far)
    tokens.remember("b", "B", far)
    assert tokens.get("a") == "A"  # now b is the oldest use
    tokens.remember("c", "C", far)
    assert (tokens.get("a"), tokens.get("b"), tokens.get("c")) == ("A", None, "C")


async def test_authenticate_remembers_a_verified_token_per_settings(monkeypatch: pytest.MonkeyPatch):
    settings = Settings(jwt_secret="s" * 32)
    token = issue_token(settings, "p", "acme", ["partner"])
    assert (await authenticate(token, settings)).tenant == "acme"
    # Proof that the second call does not verify: the secret it was signed with is gone.
    monkeypatch.setattr(settings, "jwt_secret", type(settings.jwt_secret)("another secret, " * 3))
    assert (await authenticate(token, settings)).tenant == "acme"
    # Another app's settings remember nothing of it, and verify with their own secret.
    with pytest.raises(Problem):
        await authenticate(token, Settings(jwt_secret="o" * 32))


async def test_a_refused_token_is_not_remembered(monkeypatch: pytest.MonkeyPatch):
    signer = Settings(jwt_secret="a" * 32)
    settings = Settings(jwt_secret="b" * 32)
    token = issue_token(signer, "p", "acme", ["partner"])
    with pytest.raises(Problem):
        await authenticate(token, settings)
    monkeypatch.setattr(settings, "jwt_secret", signer.jwt_secret)
    assert (await authenticate(token, settings)).tenant == "acme"

