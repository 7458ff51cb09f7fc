"""Screenshots of the operator page, one per shipped mission, for docs/web.md.

Each mission flies stepped for `--hours` mission hours (its parameters plotted as an operator
would), through a real ground, a real `mission web` and Debian's headless Chromium:

    .venv/bin/python docs/screenshots/make.py            # all four, about a minute
    .venv/bin/python docs/screenshots/make.py --help
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser, sync_playwright

from flightsw.config import AccessFolder, local_user, read_certificate, shipped_missions
from ground.cli.launcher import launch

HERE = Path(__file__).resolve().parent
PLOTTED = {  # what each mission's screenshot plots: the parameters its operators watch most
    "leo_smallsat": ["power.battery_soc", "thermal.avionics_temp_c"],
    "leo_station": ["power.battery_soc", "life_support.co2_ppm"],
    "lunar_orbiter": ["power.battery_soc", "navigation.altitude_km"],
    "mars_cruise": ["power.battery_soc", "thermal.avionics_temp_c"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("missions", nargs="*", default=shipped_missions())
    parser.add_argument("--hours", type=float, default=3.0, help="mission hours flown first")
    parser.add_argument("--out", type=Path, default=HERE, help="where the PNGs go")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("make.py: needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for mission in args.missions:
            with tempfile.TemporaryDirectory() as folder:
                shot = args.out / f"{mission}.png"
                _screenshot(browser, mission, Path(folder), args.hours, shot)
                print(f"make.py: {shot}")
        browser.close()
    return 0


def _screenshot(browser: Browser, mission: str, folder: Path, hours: float, shot: Path) -> None:
    flying = launch(mission, folder, "screenshot", clock="stepped")
    web = None
    try:
        assert flying.access is not None
        key = read_certificate(AccessFolder(flying.access).identity_path(local_user())).secret
        web = subprocess.Popen(
            [sys.executable, "-m", "ground.cli.mission", "web", "--data-dir", str(folder),
             "--port", "0"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert web.stdout is not None
        base = web.stdout.readline().split(" at ")[1].split("/ ")[0]
        client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {key.decode()}"}, timeout=120
        )
        client.post("/api/clock/step", json={"seconds": hours * 3600}).raise_for_status()
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{base}/#key={quote(key.decode())}")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        for parameter in PLOTTED.get(mission, []):
            page.click(f"td[data-parameter='{parameter}']")
            page.wait_for_selector(f"[data-plot='{parameter}'] canvas")
        page.screenshot(path=str(shot), full_page=True)
        page.close()
        client.close()
    finally:
        if web is not None:
            web.terminate()
            web.wait()
        flying.stop()


if __name__ == "__main__":
    sys.exit(main())
