"""Whether the operator page keeps up: the crewed station's whole live feed, in Chromium.

The station flies stepped through a real ground and a real `mission web`; the page is open in
Debian's headless Chromium, as an operator; a ZeroMQ subscriber in this process counts what the
ground publishes. The clock is stepped an hour at a time as fast as the ground goes, then the
page is waited for until it has taken every event (its `window.feedStats`). The figures: the
updates a second the page took while the ground published, and how long after the last step
the page had caught up.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from flightsw.clock import wall_time_s
from flightsw.config import AccessFolder, local_user, read_certificate
from ground.api import Step
from ground.cli.launcher import launch

CATCH_UP_WITHIN_MS = 120_000  # a bound on failure, not a figure


def page_keeps_up(config: Path, hours: int) -> dict[str, float]:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("the page benchmark needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        flying = launch(config, Path(folder), "page", clock="stepped")
        web = None
        try:
            assert flying.access is not None
            key = read_certificate(AccessFolder(flying.access).identity_path(local_user())).secret
            web = subprocess.Popen(
                [sys.executable, "-m", "ground.cli.mission", "web", "--data-dir", folder,
                 "--port", "0"],
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert web.stdout is not None
            found = re.search(r"at (http://[\d.:]+)/", web.stdout.readline())
            assert found, "mission web did not say where it serves"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                try:
                    page = browser.new_page(viewport={"width": 1500, "height": 1000})
                    page.goto(f"{found.group(1)}/#key={quote(key.decode())}")
                    page.wait_for_selector("body[data-ready=true]", state="attached")
                    return _measure(flying.client, page, hours)
                finally:
                    browser.close()
        finally:
            if web is not None:
                web.terminate()
                web.wait()
            flying.stop()


def _page_has(page: Any, events: int) -> None:
    page.wait_for_function(
        f"() => window.feedStats.events >= {events}", timeout=CATCH_UP_WITHIN_MS, polling=20
    )


def _measure(client: Any, page: Any, hours: int) -> dict[str, float]:
    before = page.evaluate("() => ({...window.feedStats})")
    with client.live_feed() as feed:
        published = 0
        start_s = wall_time_s()
        for _ in range(hours):
            client.call(Step(seconds=3600.0), timeout_s=600.0)
            published += sum(1 for _ in feed.until_quiet(0.05))
        stepped_s = wall_time_s() - start_s
        _page_has(page, before["events"] + published)
        caught_up_s = wall_time_s() - start_s - stepped_s
        published += sum(1 for _ in feed.until_quiet(0.5))  # stragglers: none, or a few
    _page_has(page, before["events"] + published)
    after = page.evaluate("() => ({...window.feedStats})")
    return {
        "events_per_s": (after["events"] - before["events"]) / stepped_s,
        "updates_per_s": (after["parameters"] - before["parameters"]) / stepped_s,
        "published": published,
        "caught_up_ms": 1000 * caught_up_s,
    }
