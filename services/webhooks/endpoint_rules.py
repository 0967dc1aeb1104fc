"""What a partner may register as a webhook endpoint: pure, no I/O.

A URL must be https to a public host. Plain http, loopback and private addresses are
refused (they would let a partner make us call our own network), except http and
https on loopback in development, where receivers on this machine are the point."""

import ipaddress
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
LOCAL_NAMES = {"localhost", "localhost.localdomain"}
TYPE_PREFIX = "mentoring."


def url_problem(url: str, development: bool) -> str | None:
    """Why the URL is refused, or None when it is acceptable."""
    if len(url) > MAX_URL_LENGTH:
        return f"at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "an https URL with a host"
    if parts.username or parts.password:
        return "credentials in the URL are not accepted"
    loopback = _is_loopback(parts.hostname)
    if development and loopback:
        return None
    if parts.scheme != "https":
        return "https only (http only to 127.0.0.1 in development)"
    if loopback or _is_private(parts.hostname):
        return "a public host (private and loopback addresses are refused)"
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() in LOCAL_NAMES:
        return True
    address = _address(host)
    return address is not None and address.is_loopback


def _is_private(host: str) -> bool:
    address = _address(host)
    if address is None:
        return host.lower().endswith((".local", ".internal", ".localhost"))
    return not address.is_global


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolved_problem(addresses: list[str], development: bool) -> str | None:
    """Why the addresses a host resolved to must not be called, or None. Registration
    refuses private address literals; a name is checked when it is called, since it can
    be pointed at a private address at any time."""
    if not addresses:
        return "the host resolves to no address"
    for text in addresses:
        address = _address(text)
        if address is None:
            return f"the host resolves to {text!r}, not an address"
        if development and address.is_loopback:
            continue
        if not address.is_global:
            return f"the host resolves to {address}, a private or reserved address"
    return None


def type_problem(wanted: str) -> str | None:
    if not wanted.startswith(TYPE_PREFIX):
        return f"an event type or a prefix of one, starting {TYPE_PREFIX!r}"
    return None


def wants_type(filters: list[str], event_type: str) -> bool:
    """No filter is every type; one ending in "." is a prefix (mentoring.sessions.),
    any other an exact type (the same rule as insights' streams)."""
    return not filters or any(
        event_type.startswith(wanted) if wanted.endswith(".") else event_type == wanted
        for wanted in filters
    )
