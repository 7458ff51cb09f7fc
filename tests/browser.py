"""A real headless Chromium (Debian's `chromium`) driven by Playwright, for the operator page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "chromium"  # Debian's package; `.ci/run` and the README's test command install it
LOAD_WITHIN_MS = 30_000  # a bound on failure: the page's first load asks the ground a lot


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed after, whatever happens."""
    executable = shutil.which(CHROMIUM)
    assert executable, "the operator page's tests need Debian's chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def operator_page(browser: Browser, base: str, key: str) -> Iterator[Page]:
    """The page at `base` as the operator whose key is `key`, loaded; its script errors fail
    the test when it closes."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}/#key={quote(key)}")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=LOAD_WITHIN_MS)
        yield page
    finally:
        context.close()
    assert errors == [], errors
