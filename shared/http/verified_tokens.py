"""Bearer tokens verified a moment ago, remembered so the next call need not verify again.

A partner sends the same token with every call, and verifying it (decoding it twice,
once for its issuer and once with the signature check, each with its HMAC or RSA work)
cost 11% of intake's write path, where the token was verified twice per request (the
idempotency middleware and the route). A token verified once is trusted again until its
`exp` or REMEMBER_SECONDS after the check, whichever is sooner: the bound is how long a
provider's key rotation or a change of secret may take to reach a token already seen.
Only successes are remembered; a refused token is checked, and refused, every time.
Entries are per Settings (one process may serve apps with different secrets: tests).
"""

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

REMEMBER_SECONDS = 60.0
MAX_TOKENS = 10_000
MAX_TOKEN_LENGTH = 8_192  # longer ones are verified each time rather than held in memory

P = TypeVar("P")


class VerifiedTokens(Generic[P]):
    def __init__(self, max_tokens: int = MAX_TOKENS, remember_seconds: float = REMEMBER_SECONDS,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.max_tokens, self.remember_seconds, self.wall_clock = max_tokens, remember_seconds, wall_clock
        self._known: OrderedDict[str, tuple[P, float]] = OrderedDict()

    def get(self, token: str) -> P | None:
        found = self._known.get(token)
        if found is None:
            return None
        principal, until = found
        if self.wall_clock() >= until:
            del self._known[token]
            return None
        self._known.move_to_end(token)
        return principal

    def remember(self, token: str, principal: P, expires_at: float) -> None:
        if len(token) > MAX_TOKEN_LENGTH:
            return
        self._known[token] = (principal, min(expires_at, self.wall_clock() + self.remember_seconds))
        self._known.move_to_end(token)
        while len(self._known) > self.max_tokens:
            self._known.popitem(last=False)


# By identity: Settings compare by value and do not hash; an entry goes with its Settings.
_by_settings: dict[int, VerifiedTokens] = {}


def verified_tokens_for(settings: object) -> VerifiedTokens:
    key = id(settings)
    if key not in _by_settings:
        _by_settings[key] = VerifiedTokens()
        weakref.finalize(settings, _by_settings.pop, key, None)
    return _by_settings[key]
