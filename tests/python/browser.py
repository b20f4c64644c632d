"""Headless Chromium for the tests that open a generated page from disk as a user would.

Debian's chromium (scripts/ensure_chromium.sh installs it) through Playwright,
never a browser that Playwright downloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed on exit; the test fails if it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with scripts/ensure_chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def nothing_ignored(_text: str) -> bool:
    return False


def watch_errors(page: Page, ignore: Callable[[str], bool] = nothing_ignored) -> list[str]:
    """Collect the page's uncaught exceptions, console errors and failed loads.

    `ignore` is given the text and the source URL of each console error and the URL of
    each failed load, and drops those it returns True for.
    """
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not (ignore(message.text) or ignore(message.location.get("url", ""))):
            problems.append(f"console error: {message.text}")

    def on_request_failed(request: Request) -> None:
        if not ignore(request.url):
            problems.append(f"failed load: {request.url} ({request.failure})")

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    page.on("requestfailed", on_request_failed)
    return problems
