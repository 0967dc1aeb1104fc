"""Which URLs and event types a partner may register."""

import pytest

from services.webhooks.endpoint_rules import resolved_problem, type_problem, url_problem, wants_type


@pytest.mark.parametrize(
    "url", ["https://hooks.acme.example/mentoring", "https://93.184.216.34:8443/h"]
)
def test_https_to_a_public_host_is_accepted_everywhere(url):
    assert url_problem(url, development=False) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.acme.example/h",
        "ftp://hooks.acme.example/h",
        "https://127.0.0.1/h",
        "https://localhost/h",
        "https://10.1.2.3/h",
        "https://192.168.0.4/h",
        "https://169.254.169.254/latest",
        "https://[::1]/h",
        "https://[fd00::1]/h",
        "https://printer.local/h",
        "https://user:pw@hooks.acme.example/h",
        "not a url",
        "https://hooks.acme.example:99999/h",
    ],
)
def test_plain_http_private_loopback_and_odd_urls_are_refused_outside_development(url):
    assert url_problem(url, development=False) is not None


def test_loopback_over_http_is_accepted_only_in_development():
    assert url_problem("http://127.0.0.1:9000/hook", development=True) is None
    assert url_problem("http://127.0.0.1:9000/hook", development=False) is not None
    # development does not open private networks, nor plain http to public hosts
    assert url_problem("https://10.1.2.3/h", development=True) is not None
    assert url_problem("http://hooks.acme.example/h", development=True) is not None


def test_types_are_ours_exact_or_prefixes():
    assert type_problem("mentoring.sessions.") is None
    assert type_problem("com.other.Thing") is not None
    assert wants_type([], "mentoring.intake.ProgramOpened.v1")
    assert wants_type(["mentoring.sessions."], "mentoring.sessions.RelationshipPaused.v1")
    assert not wants_type(["mentoring.sessions."], "mentoring.intake.ProgramOpened.v1")
    assert wants_type(
        ["mentoring.matching.MatchConfirmed.v1"], "mentoring.matching.MatchConfirmed.v1"
    )
    assert not wants_type(
        ["mentoring.matching.MatchConfirmed"], "mentoring.matching.MatchConfirmed.v1"
    )


def test_a_host_resolving_to_a_private_address_is_not_called():
    assert resolved_problem(["93.184.216.34"], development=False) is None
    assert resolved_problem(["93.184.216.34", "10.0.0.5"], development=False) is not None
    assert resolved_problem(["127.0.0.1"], development=False) is not None
    assert resolved_problem(["127.0.0.1"], development=True) is None
    assert resolved_problem(["169.254.169.254"], development=True) is not None
    assert resolved_problem([], development=False) is not None
