"""The dashboard page in a real headless Chromium (Debian's package, driven by Playwright)
against the real stack: intake, matching, sessions and insights as processes on real Kafka
and PostgreSQL. The page is opened with a dashboard token in the URL fragment; a relationship
driven through the APIs moves its numbers and its live feed; after a restart of insights the
feed goes on (Last-Event-ID) with nothing lost and nothing doubled. Screenshots are saved."""

import time
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import httpx
import pytest

from tests.e2e.dashboard_journey import RelationshipDriver
from tests.e2e.insights_stack import STREAM_ENV
from tests.support.api_client import Caller, eventually, token
from tests.support.browser import PageWatch, Screenshots, headless_chromium
from tests.support.processes import insights_process, running_services
from tests.support.servers import create_database_sync, drop_database_sync
from tests.support.sse_client import SseReader

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dashboard_stack(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {
        name: f"e2e_{name}_{suffix}" for name in ("intake", "matching", "sessions", "insights")
    }
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"e2e{suffix}"})
    log_dir = tmp_path_factory.mktemp("service-logs")
    env = {"TOPIC_NAMESPACE": settings.topic_namespace}
    # The real health fold (the default factory), so the page shows real figures.
    insights = insights_process(settings, databases, log_dir, {**env, **STREAM_ENV})
    try:
        with running_services(settings, databases, log_dir, env) as services:
            insights.start()
            try:
                operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
                programs = {}
                for name, organizations in (("A", ["acme", "globex"]), ("B", ["initech"])):
                    opened = operator.post(
                        "/v1/programs",
                        {
                            "name": f"Dashboard {name}",
                            "formats": ["one_to_one"],
                            "organizations": organizations,
                            "cadence_days": 7,
                        },
                    )
                    assert opened.status_code == 201, opened.text
                    programs[name] = opened.json()["id"]
                yield {
                    "settings": settings,
                    "services": services,
                    "insights": insights,
                    "programs": programs,
                }
            finally:
                insights.stop()
    finally:
        for database in databases.values():
            drop_database_sync(server_settings, database)


def listed(stack, tenant, role, **params) -> httpx.Response:
    bearer = token(stack["settings"], tenant, role)
    return httpx.get(
        stack["insights"].url + "/v1/programs",
        params=params,
        headers={"authorization": f"Bearer {bearer}"},
        timeout=10,
    )


def names_seen(stack, tenant, role) -> list[str]:
    return [program["name"] for program in listed(stack, tenant, role).json()["items"]]


def test_the_page_needs_no_token_but_every_data_call_does_and_programs_are_scoped(
    dashboard_stack,
):
    url = dashboard_stack["insights"].url
    eventually(
        lambda: len(names_seen(dashboard_stack, "ops", "operator")) == 2, what="both programs"
    )
    for path in ("/", "/static/js/dashboard.js", "/static/dashboard.css"):
        page = httpx.get(url + path, timeout=10)
        assert page.status_code == 200, path
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy, policy
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert httpx.get(url + "/static/../main.py", timeout=10).status_code == 404
    assert httpx.get(url + "/v1/programs", timeout=10).status_code == 401
    assert listed(dashboard_stack, "acme", "partner").status_code == 403
    assert names_seen(dashboard_stack, "acme", "dashboard") == ["Dashboard A"]
    assert names_seen(dashboard_stack, "initech", "dashboard") == ["Dashboard B"]
    assert names_seen(dashboard_stack, "ops", "operator") == ["Dashboard A", "Dashboard B"]
    first = listed(dashboard_stack, "ops", "operator", limit=1).json()
    second = listed(dashboard_stack, "ops", "operator", limit=1, cursor=first["next_cursor"])
    assert [p["name"] for p in first["items"] + second.json()["items"]] == [
        "Dashboard A",
        "Dashboard B",
    ]
    assert second.json()["next_cursor"] is None
    refused = listed(dashboard_stack, "ops", "operator", cursor="garbage")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.cursor"


def figure(page, key: str) -> str:
    return page.locator(f'[data-figure="{key}"] dd').inner_text()


def feed_keys(page) -> list[str]:
    return page.eval_on_selector_all("#feed li", "items => items.map(i => i.dataset.key)")


def feed_types(page) -> list[str]:
    return page.eval_on_selector_all("#feed li", "items => items.map(i => i.dataset.type)")


def has_type(page, name: str) -> bool:
    return f"mentoring.{name}.v1" in feed_types(page)


def bar_value(page, chart: str, label: str) -> str:
    return page.get_attribute(f'#{chart} rect[data-label="{label}"]', "data-value") or ""


def test_the_page_follows_a_relationship_and_its_feed_survives_a_restart_of_insights(
    dashboard_stack, tmp_path
):
    started = time.monotonic()
    settings, insights = dashboard_stack["settings"], dashboard_stack["insights"]
    program = dashboard_stack["programs"]["A"]
    bearer = token(settings, "acme", "dashboard")
    eventually(lambda: "Dashboard A" in names_seen(dashboard_stack, "acme", "dashboard"))
    shots = Screenshots(tmp_path, "insights-dashboard")
    watch = PageWatch()
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        watch.attach(page)
        page.goto(f"{insights.url}/#token={bearer}")
        page.wait_for_selector("#program option:nth-child(2)", state="attached")
        assert bearer not in page.url, "the token stays in the address bar"
        assert page.evaluate("sessionStorage.getItem('insights.token')") == bearer
        assert page.locator("#token-form").is_hidden()

        page.select_option("#program", program)
        eventually(lambda: figure(page, "requests.requested") == "0", what="the first figures")
        eventually(lambda: has_type(page, "intake.ProgramOpened"), what="the feed's history")
        assert page.get_attribute("#feed-state", "data-state") == "live"
        shots.take(page, "program-picked")

        journey = RelationshipDriver(settings, dashboard_stack["services"], program)
        journey.enrol_and_request()
        eventually(lambda: figure(page, "requests.requested") == "1", what="the request counted")
        eventually(lambda: has_type(page, "intake.MentorshipRequested"), what="request in feed")
        journey.both_accept()
        eventually(lambda: figure(page, "requests.matched") == "1", what="the match counted")
        eventually(lambda: figure(page, "requests.match_rate") == "100 %", what="match rate")
        eventually(lambda: has_type(page, "matching.MatchConfirmed"), what="the confirmation")
        assert bar_value(page, "chart-funnel", "matched") == "1"
        journey.agree()
        eventually(lambda: figure(page, "relationships.active") == "1", what="active relationship")
        assert bar_value(page, "chart-relationships", "active") == "1"
        journey.hold_a_session()
        eventually(lambda: figure(page, "cadence.sessions_held") == "1", what="the session held")
        eventually(lambda: has_type(page, "sessions.SessionHeld"), what="the session in the feed")
        held_bars = page.eval_on_selector_all(
            '#chart-cadence rect[data-series="held"]', "bars => bars.map(b => b.dataset.value)"
        )
        assert held_bars and float(held_bars[-1]) > 0, held_bars
        shots.take(page, "session-held")

        before_restart = feed_keys(page)
        insights.restart()
        journey.check_in()
        eventually(lambda: has_type(page, "sessions.CheckInRecorded"), what="feed after restart")
        eventually(
            lambda: page.get_attribute("#feed-state", "data-state") == "live", what="live again"
        )
        shots.take(page, "after-restart")
        after = feed_keys(page)
        connections = int(page.get_attribute("#feed-state", "data-connections") or 0)
        sent = list(watch.requests)
        console_errors = list(watch.console_errors)
        page_errors = list(watch.page_errors)
        failed = list(watch.failed_responses)

    assert connections >= 2, "the feed did not reconnect"
    assert len(after) == len(set(after)), "an event was shown twice"
    assert set(before_restart) < set(after), "the feed lost what it had shown"
    # Nothing lost either: the feed holds what the stream has for this token and program.
    assert set(after) == set(stream_history(dashboard_stack, bearer, program, len(after)))
    assert not page_errors, page_errors
    assert not failed, failed
    # A CSP violation or a failed script shows as a console error; a stream cut by the
    # restart and fetches refused while insights was down are the expected ones.
    expected = ("ERR_CONNECTION_REFUSED", "ERR_INCOMPLETE_CHUNKED_ENCODING")
    assert not [e for e in console_errors if not any(x in e for x in expected)], console_errors
    data_calls = [(u, h) for u, h in sent if "/v1/" in u]
    assert data_calls and all(h.get("authorization") == f"Bearer {bearer}" for _, h in data_calls)
    in_urls = [u for u, _ in sent if bearer in u or "token" in parse_qs(urlsplit(u).query)]
    assert not in_urls, "a token in a URL"
    resumed = [h for u, h in data_calls if "/v1/streams/" in u and "last-event-id" in h]
    assert resumed, "no reconnect sent Last-Event-ID"
    print(f"dashboard browser test: {time.monotonic() - started:.1f} s; screenshots:")
    for path in shots.saved:
        print(f"  {path}")


def stream_history(stack, bearer: str, program: str, expected: int) -> list[str]:
    since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 24 * 3600))
    stream = SseReader(
        stack["insights"].url + "/v1/streams/events", bearer, [("program", program), ("since", since)]
    )
    try:
        eventually(lambda: len(stream.messages()) >= expected, what="the stream's history")
        eventually(lambda: "heartbeat" in stream.comments, what="history fully sent")
        return [f"{e.json['source']} {e.json['id']}" for e in stream.messages()]
    finally:
        stream.close()
