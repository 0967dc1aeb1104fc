"""A host is checked where it points when it is called (localhost resolves locally)."""

from services.webhooks.host_check import HostCheck


async def test_a_name_pointing_at_loopback_is_refused_outside_development():
    refusal = await HostCheck(development=False).refusal("https://localhost:9/hook")
    assert refusal is not None and "a private or reserved address" in refusal


async def test_loopback_is_called_in_development():
    assert await HostCheck(development=True).refusal("http://localhost:9/hook") is None


async def test_a_name_that_does_not_resolve_is_refused():
    refusal = await HostCheck(development=True).refusal("https://no-such-host.invalid/h")
    assert refusal is not None and refusal.startswith("cannot resolve")
