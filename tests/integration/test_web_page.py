"""The operator page in a real headless Chromium, on a real ground through a real `mission web`.

What an operator sees and does: live values, a fault turning its parameter and the banner, an
acknowledgement from the page reaching the ground, a command from the form showing its stages,
and an observer who cannot command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser import LOAD_WITHIN_MS, chromium, operator_page
from flying import LEO, LIGHT_TIME_S
from playwright.sync_api import Browser, expect
from web import Web, heater_stuck_on, operator_key, own_key, serving, step

from flightsw.config import Role, shipped_missions
from ground.cli.launcher import Mission, launch

pytestmark = [pytest.mark.integration, pytest.mark.browser]

COLOUR_WITHIN_MS = 10_000  # a bound on failure; the page polls its rules only each minute


@pytest.fixture(scope="module")
def mission(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mission]:
    flying = launch(
        LEO, tmp_path_factory.mktemp("page"), "page", clock="stepped", light_time_s=LIGHT_TIME_S
    )
    try:
        yield flying
    finally:
        flying.stop()


@pytest.fixture(scope="module")
def web(mission: Mission) -> Iterator[Web]:
    with serving(mission.data_dir) as serving_web:
        yield serving_web


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def conductor(mission: Mission, web: Web) -> httpx.Client:
    assert mission.access is not None
    return web.client(own_key(mission.access))


def met(time_s: float) -> str:
    """Mission elapsed time as the page shows it."""
    whole = int(time_s)
    hours, rest = divmod(whole % 86400, 3600)
    return f"{whole // 86400}d {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def test_values_update_live(web: Web, browser: Browser, conductor: httpx.Client) -> None:
    step(conductor, 60.0)
    with operator_page(browser, web.base, conductor.headers["authorization"][7:]) as page:
        subsystems = page.locator(".panel h2").all_inner_texts()
        assert {"POWER", "THERMAL", "NAVIGATION"} <= set(subsystems)
        soc = page.locator("td[data-parameter='power.battery_soc']")
        expect(soc).to_have_text(re.compile(r"^0\.\d{3}$"))
        before = soc.inner_text()
        now_s = step(conductor, 600.0)
        expect(page.locator("#met")).to_have_text(met(now_s), timeout=LOAD_WITHIN_MS)
        expect(soc).not_to_have_text(before)


def test_a_fault_turns_its_parameter_and_the_banner_and_the_page_acknowledges_it(
    mission: Mission, web: Web, browser: Browser, conductor: httpx.Client
) -> None:
    assert mission.access is not None
    operator = operator_key(mission.access, "flight", Role.OPERATOR)
    with operator_page(browser, web.base, operator) as page, heater_stuck_on(conductor):
        banner = page.locator("#banner")
        heater = page.locator("td[data-parameter='thermal.avionics_heater_on']")
        # coloured by the feed's `limits` event: the page reads the rules again only each minute
        expect(heater).to_have_class(re.compile(r"\b(yellow|red)\b"), timeout=COLOUR_WITHIN_MS)
        expect(banner).to_contain_text("avionics_heater_off")
        row = page.locator("tr[data-alarm='avionics_heater_off']")
        row.get_by_role("button", name="Ack").click()
        expect(row.get_by_role("button", name="Ack")).to_have_count(0)
    log = conductor.get("/api/alarms/log", params={"name": "avionics_heater_off"}).json()
    assert ("acknowledged", "flight") in [
        (entry["kind"], entry["operator"]) for entry in log["alarm_log"]
    ]


def test_a_command_from_the_form_shows_its_stages(
    mission: Mission, web: Web, browser: Browser, conductor: httpx.Client
) -> None:
    assert mission.access is not None
    operator = operator_key(mission.access, "capcom", Role.OPERATOR)
    with operator_page(browser, web.base, operator) as page:
        page.select_option("#command-name", "navigation.set_attitude_mode")
        page.select_option("#command-args select[name=mode]", "nadir")
        page.click("#command-send")
        row = page.locator("#commands tr", has_text="set_attitude_mode").first
        expect(row).to_contain_text("sent")
        step(conductor, 60.0)
        expect(row.locator(".status")).to_have_text("completed", timeout=LOAD_WITHIN_MS)
        expect(row.locator(".stages")).to_contain_text("accepted")
        expect(row).to_contain_text("capcom")


def test_an_observer_cannot_command_from_the_page(
    mission: Mission, web: Web, browser: Browser, conductor: httpx.Client
) -> None:
    assert mission.access is not None
    observer = operator_key(mission.access, "visitor", Role.OBSERVER)
    with operator_page(browser, web.base, observer) as page:
        expect(page.locator("#me")).to_have_text("visitor (observer)")
        page.select_option("#command-name", "navigation.set_attitude_mode")
        page.click("#command-send")
        expect(page.locator("#command-problem")).to_contain_text("needs the operator role")
    audit = conductor.get("/api/audit", params={"operator": "visitor"}).json()["audit"]
    assert [entry["outcome"].split(":")[0] for entry in audit] == ["refused"]


def test_a_plot_of_a_parameter_comes_with_its_unit(
    web: Web, browser: Browser, conductor: httpx.Client
) -> None:
    step(conductor, 600.0)
    with operator_page(browser, web.base, conductor.headers["authorization"][7:]) as page:
        page.click("td[data-parameter='power.bus_voltage_v']")
        plot = page.locator("[data-plot='power.bus_voltage_v']")
        expect(plot.locator("canvas")).to_have_count(1)
        expect(plot).to_contain_text("power.bus_voltage_v [V]")
        page.click("td[data-parameter='power.bus_voltage_v']")
        expect(plot).to_have_count(0)


@pytest.mark.parametrize("config", shipped_missions())
def test_the_page_flies_every_shipped_mission_on_its_own_clock(
    config: str, browser: Browser, tmp_path: Path
) -> None:
    """Each mission at its config's own realtime rate (the Mars cruise's 3600x among them):
    a panel for every subsystem that has telemetry, and mission time moving on the page."""
    flying = launch(config, tmp_path, "page")
    try:
        assert flying.access is not None
        with (
            serving(flying.data_dir) as web,
            operator_page(browser, web.base, own_key(flying.access)) as page,
        ):
            flight = web.client(own_key(flying.access)).get("/api/dictionary").json()
            with_telemetry = {
                s["name"] for s in flight["dictionary"]["subsystems"] if s["telemetry"]
            }
            panels = page.locator(".panel").evaluate_all(
                "panels => panels.map(panel => panel.dataset.subsystem)"
            )
            assert set(panels) == with_telemetry
            clock = page.locator("#met")
            first = clock.inner_text()
            expect(clock).not_to_have_text(first, timeout=LOAD_WITHIN_MS)
    finally:
        flying.stop()
