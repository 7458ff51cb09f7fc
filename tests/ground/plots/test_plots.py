"""Plots of an archived run: PNG figures per subsystem group, text charts, and the CLI."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from flightsw.icd.dictionary import Scalar
from ground.archive.store import Archive
from ground.cli.mission import main
from ground.errors import ArchiveError, PlotError, PlotsUnavailable, UnknownParameter
from ground.plots.figures import plot_parameters, plot_run, unit_of
from ground.plots.text import terminal_plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ORBIT_S = 5677.0  # a 500 km LEO orbit, about 94.6 minutes
ECLIPSE_FRACTION = 0.37  # of each orbit, as at 500 km near an equinox
HK_PERIOD_S = 60.0
RUN_S = 3 * 3600.0
TEN_KB = 10_000


def record(archive: Archive, time_s: float, subsystem: str, params: dict[str, Scalar]) -> None:
    """Record one housekeeping report; the one line to change if the writer changes."""
    archive.record_housekeeping(time_s, subsystem, params)


def sunlit(time_s: float) -> bool:
    return (time_s % ORBIT_S) / ORBIT_S < 1.0 - ECLIPSE_FRACTION


@pytest.fixture
def run_archive(tmp_path: Path) -> Path:
    """Three hours of power, thermal and navigation housekeeping (no life support), two events."""
    archive = Archive.create(tmp_path, "day", {"mission": "test-sat", "epoch_unix_s": 1.7e9})
    soc = 0.8
    for step in range(int(RUN_S / HK_PERIOD_S) + 1):
        time_s = step * HK_PERIOD_S
        light = sunlit(time_s)
        solar_w = 190.0 if light else 0.0
        soc = min(soc + (solar_w - 35.0) * HK_PERIOD_S / (120.0 * 3600.0), 1.0)
        phase = 2.0 * math.pi * time_s / ORBIT_S
        record(
            archive,
            time_s,
            "navigation",
            {
                "altitude_km": 496.0 + 3.0 * math.cos(phase),
                "illumination": float(light),
                "in_eclipse": not light,
            },
        )
        record(
            archive,
            time_s,
            "power",
            {
                "battery_soc": soc,
                "solar_power_w": solar_w,
                "load_power_w": 35.0,
                "bus_voltage_v": 30.0 + 3.0 * soc,
                "array_pointing": "sun_tracking",
            },
        )
        record(
            archive,
            time_s,
            "thermal",
            {
                "avionics_temp_c": 20.0 + 5.0 * math.sin(phase),
                "radiator_temp_c": -5.0 + 10.0 * math.sin(phase),
                "heater_power_w": 0.0 if light else 8.0,
            },
        )
    archive.record_event(3600.0, "power", "battery_low", 3, "battery at 39 %")
    archive.record_event(7200.0, "fdir", "safe_mode", 4, "entered safe mode")
    archive.record_event(7300.0, "navigation", "station_aos", 1, "Svalbard in view")
    archive.close()
    return tmp_path / "day.sqlite"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert len(data) > TEN_KB, f"{path} is only {len(data)} bytes"


def test_plot_run_writes_one_png_per_group_with_data(run_archive: Path, tmp_path: Path) -> None:
    written = plot_run(run_archive, tmp_path / "png")

    assert [p.name for p in written] == ["day-power.png", "day-thermal.png", "day-navigation.png"]
    for path in written:
        assert_png(path)
    assert not (tmp_path / "png" / "day-life_support.png").exists()


def test_in_eclipse_alone_still_gives_a_navigation_figure(tmp_path: Path) -> None:
    archive = Archive.create(tmp_path, "flags", {"mission": "test-sat"})
    for step in range(int(RUN_S / HK_PERIOD_S)):
        time_s = step * HK_PERIOD_S
        record(archive, time_s, "navigation", {"in_eclipse": not sunlit(time_s)})
    archive.close()

    written = plot_run(tmp_path / "flags.sqlite", tmp_path / "png")

    assert [p.name for p in written] == ["flags-navigation.png"]
    assert_png(written[0])


def test_plot_run_in_a_range_without_data_writes_nothing(run_archive: Path, tmp_path: Path) -> None:
    assert plot_run(run_archive, tmp_path / "png", start_s=RUN_S + 60.0, end_s=RUN_S + 600.0) == []


def test_plot_parameters_draws_named_parameters_in_a_range(
    run_archive: Path, tmp_path: Path
) -> None:
    out = plot_parameters(
        run_archive,
        ["power.battery_soc", "thermal.heater_power_w", "power.array_pointing"],
        tmp_path / "some.png",
        start_s=1800.0,
        end_s=7200.0,
    )

    assert_png(out)


def test_an_unknown_parameter_is_refused_with_close_matches(
    run_archive: Path, tmp_path: Path
) -> None:
    with pytest.raises(
        UnknownParameter, match=r"'power\.battery_sco'.*did you mean power\.battery_soc"
    ):
        plot_parameters(run_archive, ["power.battery_sco"], tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_a_missing_archive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        plot_run(tmp_path / "nothing.sqlite", tmp_path / "png")


def test_terminal_plot_fills_its_box_with_the_maximum_on_the_top_line() -> None:
    samples = [(60.0 * i, math.sin(i / 10.0) * 40.0 + 20.0) for i in range(300)]

    chart = terminal_plot(samples, width=60, height=12)

    lines = chart.splitlines()
    assert len(lines) == 12
    assert all(len(line) <= 60 for line in lines)
    top = max(v for _, v in samples)
    assert lines[0].split()[0] == f"{top:.5g}"
    assert "*" in lines[0]
    assert f"{min(v for _, v in samples):.5g}" in lines[-3]


def test_terminal_plot_of_a_constant_or_boolean_parameter_still_fills_its_box() -> None:
    for samples in ([(0.0, 5.0), (10.0, 5.0)], [(0.0, False), (10.0, True), (20.0, False)]):
        lines = terminal_plot(samples).splitlines()
        assert len(lines) == 16
        assert all(len(line) <= 72 for line in lines)


def test_terminal_plot_refuses_text_and_empty_samples() -> None:
    with pytest.raises(PlotError, match="text"):
        terminal_plot([(0.0, "sun_tracking")])
    with pytest.raises(PlotError, match="no samples"):
        terminal_plot([])


def test_units_come_from_the_name_suffix() -> None:
    assert [
        unit_of(n)
        for n in (
            "thermal.avionics_temp_c",
            "power.solar_power_w",
            "life_support.co2_ppm",
            "power.battery_soc",
            "executive.ticks",
        )
    ] == ["°C", "W", "ppm", "0–1", ""]


def test_cli_plots_a_run_and_refuses_bad_input(
    run_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(run_archive), "--out", str(tmp_path / "cli")]) == 0
    assert len(list((tmp_path / "cli").glob("*.png"))) == 3

    assert main(["plot", str(run_archive), "--param", "power.battery_soc", "--terminal"]) == 0
    assert "power.battery_soc (0–1)" in capsys.readouterr().out

    assert main(["plot", str(run_archive), "--param", "power.bus_volts"]) == 2
    assert "did you mean power.bus_voltage_v" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "missing.sqlite")]) == 2
    assert "no archive at" in capsys.readouterr().err


def test_without_matplotlib_the_cli_says_how_to_install_it(
    run_archive: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails

    with pytest.raises(PlotsUnavailable):
        plot_run(run_archive, tmp_path / "png")
    assert main(["plot", str(run_archive), "--out", str(tmp_path / "png")]) == 2
    assert 'pip install "flightsw-emulator[plots]"' in capsys.readouterr().err
    assert main(["plot", str(run_archive), "--param", "power.battery_soc", "--terminal"]) == 0


def test_a_run_of_two_spacecraft_is_drawn_one_segment_at_a_time_saying_which(
    tmp_path: Path,
) -> None:
    archive = Archive.create(tmp_path, "twice", {"mission": "test-sat"})
    archive.begin_segment(0.0, "the run began")
    for time_s in (0.0, 60.0, 120.0):
        record(archive, time_s, "power", {"battery_soc": 0.9})
    archive.begin_segment(0.0, "another spacecraft flies", "2030-01-01T00:00:00Z")
    record(archive, 0.0, "power", {"battery_soc": 0.5})
    archive.close()
    path = tmp_path / "twice.sqlite"
    written = plot_run(path, tmp_path / "plots")  # the last segment unless asked
    assert [p.name for p in written] == ["twice-segment2-power.png"]
    assert plot_run(path, tmp_path / "plots", segment=1)[0].name == "twice-segment1-power.png"
    with pytest.raises(PlotError, match="has segments 1, 2, not 3"):
        plot_run(path, tmp_path / "plots", segment=3)
