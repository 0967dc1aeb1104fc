"""Lifetimes written the way people say them: 90s, 45m, 12h, 30d."""

import re
from datetime import timedelta

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_lifetime(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d{1,6})\s*([smhd])\s*", text)
    if match is None:
        raise ValueError(f"{text!r} is not a lifetime such as 90s, 45m, 12h or 30d")
    amount, unit = match.groups()
    lifetime = timedelta(**{UNITS[unit]: int(amount)})
    if lifetime > timedelta(days=400):
        raise ValueError("a token lives at most 400 days; mint a new one instead")
    return lifetime
