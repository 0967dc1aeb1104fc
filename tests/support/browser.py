"""Headless Chromium for browser tests: Debian's package (deploy/chromium.sh installs it),
driven by Playwright through executable_path, so Playwright never downloads a browser.
Screenshots go to the test's own directory and to .artifacts/ (ignored by git), which
outlives pytest's temporary directories."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / ".artifacts"


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium is not installed: run deploy/chromium.sh")
    return found


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageWatch:
    """What a page did that a test asserts on: console errors (CSP violations show there),
    uncaught exceptions, and every request it sent with its headers."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append((request.url, request.headers)))
        page.on(
            "response",
            lambda response: response.status >= 400
            and self.failed_responses.append(f"{response.status} {response.url}"),
        )


@dataclass
class Screenshots:
    directory: Path
    name: str
    saved: list[Path] = field(default_factory=list)

    def take(self, page: Page, step: str) -> Path:
        path = self.directory / f"{self.name}-{len(self.saved) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        kept = ARTIFACTS / self.name / path.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, kept)
        self.saved.append(kept)
        print(f"screenshot: {path} (copy: {kept})")
        return path
