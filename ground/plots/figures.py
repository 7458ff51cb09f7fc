"""Plots of an archived run: PNG figures by subsystem, and a text chart for the console.

    GroundError (ground.errors)
    └── PlotError              a plot cannot be made as asked
        ├── UnknownParameter   a parameter the archive never recorded (the message names close ones)
        └── PlotsUnavailable   matplotlib is not installed

Figures read the archive only through its queries (`parameter_names`, `parameter_history`,
`events`, `meta`, `segments`), so they do not depend on how housekeeping is stored. A run of
several segments (another spacecraft flew under the same ground) is drawn one segment at a
time, the last unless asked, and the figure says which. matplotlib is imported
on first use, with the Agg backend (files only, no display): the text chart, the rest of the
ground and the flight side never need it.
"""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ground.archive.schema import EventRecord
from ground.archive.store import Archive
from ground.errors import PlotError, PlotsUnavailable, UnknownParameter
from ground.plots.groups import (
    UNIT_SUFFIXES,
    Panel,
    dictionary_parameters,
    groups_for,
    unit_of,
)
from ground.plots.marks import Marks

if TYPE_CHECKING:
    from matplotlib.axes import Axes

HOUR_S = 3600.0
ECLIPSE_ILLUMINATION = (
    0.5  # as flightsw.subsystems.navigation.model: over half the solar disc hidden
)
EVENT_MIN_SEVERITY = 3  # TM[5,3] medium and TM[5,4] high: the events worth a marker
GAP_FACTOR = 3.0  # a pause longer than this many typical sample intervals breaks the line
_FIGURE_WIDTH_IN = 11.0
_PANEL_HEIGHT_IN = 2.3
_DPI = 110
_SEVERITY_COLOURS = {3: "tab:orange", 4: "tab:red"}
_LIMIT_COLOURS = {"yellow": "#d6a21a", "red": "#d62728"}
_EVENT_ROWS = (0.78, 0.5, 0.22)  # heights of the event strip's label rows, in axes fractions
_EVENT_CHAR_FRACTION = 0.0068  # a 7-point character over the width of an 11-inch figure's axes


@dataclass(frozen=True, slots=True)
class Series:
    """One parameter's samples: `times_s` (N,) and `values` (N,), floats; text as category codes."""

    name: str
    times_s: np.ndarray
    values: np.ndarray
    categories: tuple[str, ...] = ()
    steps: bool = False  # booleans and text change in steps, not along a slope


def plot_run(
    archive_path: Path | str,
    out_dir: Path | str,
    start_s: float | None = None,
    end_s: float | None = None,
    segment: int | None = None,
) -> list[Path]:
    """Write one PNG per group of `GROUPS` with data in the range; return their paths.

    Raises:
        ArchiveError: no readable archive at `archive_path`.
        PlotError: the range is empty (`start_s > end_s`), or the run has no such segment.
        PlotsUnavailable: matplotlib is not installed.
    """
    _check_range(start_s, end_s)
    out = Path(out_dir)
    written: list[Path] = []
    with Archive.open(archive_path) as archive:
        known = archive.parameter_names()
        context = _Context.read(archive, start_s, end_s, segment)
        for group in groups_for(known, context.parameters):
            panels = []
            for panel in group.panels:
                if panel.unless is not None and panel.unless in known:
                    continue
                names = list(
                    dict.fromkeys(n for p in panel.patterns for n in fnmatch.filter(known, p))
                )
                series = [
                    s
                    for s in (_series(archive, n, start_s, end_s, context.segment) for n in names)
                    if len(s.times_s)
                ]
                if series:
                    panels.append((_in_kilowatts(panel, series), series))
            if panels:
                out.mkdir(parents=True, exist_ok=True)
                path = out / f"{Path(archive_path).stem}{context.file_part}-{group.key}.png"
                _draw(panels, f"{context.mission}: {group.title}", context, path)
                written.append(path)
    return written


def plot_parameters(
    archive_path: Path | str,
    names: Sequence[str],
    out_path: Path | str,
    start_s: float | None = None,
    end_s: float | None = None,
    segment: int | None = None,
) -> Path:
    """Write a PNG with one subplot per parameter in `names` (full names) and return its path.

    Raises:
        ArchiveError: no readable archive at `archive_path`.
        UnknownParameter: a name the archive never recorded.
        PlotError: no names, or an empty range.
        PlotsUnavailable: matplotlib is not installed.
    """
    if not names:
        raise PlotError("name at least one parameter to plot, e.g. power.battery_soc")
    _check_range(start_s, end_s)
    with Archive.open(archive_path) as archive:
        check_names(archive, names)
        context = _Context.read(archive, start_s, end_s, segment)
        panels = [
            (
                Panel(
                    name,
                    (name,),
                    _short(name) + (f" ({context.unit(name)})" if context.unit(name) else ""),
                ),
                [series],
            )
            for name in names
            for series in (_series(archive, name, start_s, end_s, context.segment),)
        ]
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _draw(panels, f"{context.mission}: {', '.join(names)}", context, path)
    return path


def check_names(archive: Archive, names: Sequence[str]) -> None:
    """Raise UnknownParameter for the first of `names` the archive never recorded."""
    known = archive.parameter_names()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=4, cutoff=0.6)
            same = [k for k in known if k.startswith(name.split(".", 1)[0] + ".")]
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else f"{name.split('.', 1)[0]} has {', '.join(same)}"
                if same
                else f"the archive has {len(known)} parameters; `mission plot ARCHIVE` draws the main ones"
            )
            raise UnknownParameter(f"{archive.path} has no parameter {name!r}; {hint}")


# -- drawing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    """What every figure of a run shares: its name, segment, time range, eclipses and notable
    events."""

    mission: str
    subtitle: str
    eclipses_h: tuple[tuple[float, float], ...]
    events: tuple[EventRecord, ...]
    start_h: float | None
    end_h: float | None
    segment: int
    file_part: str  # in file names: "" for a run of one segment, else "-segment2"
    marks: Marks
    parameters: dict[str, dict[str, Any]]  # the dictionary's telemetry by full name (unit, kind)

    @classmethod
    def read(
        cls, archive: Archive, start_s: float | None, end_s: float | None, segment: int | None
    ) -> _Context:
        meta = archive.meta()
        epoch = meta.get("epoch_unix_s")
        subtitle = f"run {archive.path.stem}"
        segments = {row.segment: row for row in archive.segments()}
        number = max(segments, default=1) if segment is None else segment
        if segments and number not in segments:
            raise PlotError(
                f"{archive.path} has segments {', '.join(map(str, segments))}, not {number}"
            )
        several = len(segments) > 1
        if several:
            row = segments[number]
            subtitle += (
                f", segment {number} of {len(segments)} (from T+{row.start_s:g} s: {row.reason})"
            )
        subtitle += "; mission time in hours"
        if isinstance(epoch, int | float):
            stamp = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
            subtitle += f" from {stamp:%Y-%m-%d %H:%M} UTC"
        eclipses: tuple[tuple[float, float], ...] = ()
        known = archive.parameter_names()
        if "navigation.illumination" in known:
            light = _series(archive, "navigation.illumination", start_s, end_s, number)
            eclipses = _spans(light.times_s / HOUR_S, light.values < ECLIPSE_ILLUMINATION)
        elif "navigation.in_eclipse" in known:
            dark = _series(archive, "navigation.in_eclipse", start_s, end_s, number)
            eclipses = _spans(dark.times_s / HOUR_S, dark.values > 0.5)
        subtitle += "; grey bands: eclipse" if eclipses else ""
        marks = Marks.read(archive, start_s, end_s, number)
        subtitle += (
            "\ndashed: limits (yellow, red; fine dots: a mode's own); shaded: alarms; "
            "dotted grey: commands; dash-dot: faults"
        )
        events = tuple(archive.events(EVENT_MIN_SEVERITY, start_s, end_s, segment=number))
        return cls(
            str(meta.get("mission", archive.path.stem)),
            subtitle,
            eclipses,
            events,
            None if start_s is None else start_s / HOUR_S,
            None if end_s is None else end_s / HOUR_S,
            number,
            f"-segment{number}" if several else "",
            marks,
            dictionary_parameters(meta.get("dictionary")),
        )

    def unit(self, name: str) -> str:
        """A parameter's unit: the dictionary's, else the one its name's suffix says."""
        spec = self.parameters.get(name)
        return str(spec.get("unit", "")) if spec is not None else unit_of(name)


def _draw(
    panels: list[tuple[Panel, list[Series]]], title: str, context: _Context, path: Path
) -> None:
    """Draw `panels` one above the other on a shared time axis, with an event strip on top
    when the range holds notable events, and save the figure to `path`."""
    plt = _pyplot()
    strip = 1 if context.events else 0
    figure, axes = plt.subplots(
        strip + len(panels),
        1,
        sharex=True,
        squeeze=False,
        figsize=(_FIGURE_WIDTH_IN, 1.2 + _PANEL_HEIGHT_IN * (len(panels) + 0.3 * strip)),
        height_ratios=[0.3] * strip + [1.0] * len(panels),
        layout="constrained",
    )
    try:
        for ax, (panel, series) in zip(axes[strip:, 0], panels, strict=True):
            for start_h, end_h in context.eclipses_h:
                ax.axvspan(start_h, end_h, color="0.88", linewidth=0, zorder=0)
            for item in series:
                _line(ax, item, panel.scale, label=_short(item.name) if len(series) > 1 else None)
            if not any(len(s.times_s) for s in series):
                ax.text(0.5, 0.5, "no samples in this range", transform=ax.transAxes, ha="center")
            ax.set_title(panel.title, loc="left", fontsize=10)
            ax.set_ylabel(panel.ylabel)
            ax.grid(True, color="0.8", linewidth=0.5)
            _limit(ax, panel, series)
            _marks(ax, panel, [s.name for s in series], context)
            if len(series) > 1:
                ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
            for event in context.events:
                colour = _SEVERITY_COLOURS.get(event.severity, "tab:red")
                ax.axvline(event.time_s / HOUR_S, color=colour, linewidth=0.9, linestyle="--")
        bottom = axes[-1, 0]
        bottom.set_xlabel("mission time (h)")
        if context.start_h is not None or context.end_h is not None:
            bottom.set_xlim(context.start_h, context.end_h)
        if strip:
            _event_strip(axes[0, 0], context.events)
        figure.suptitle(f"{title}\n{context.subtitle}", fontsize=12)
        figure.savefig(path, dpi=_DPI)
    finally:
        plt.close(figure)


def _marks(ax: Axes, panel: Panel, names: list[str], context: _Context) -> None:
    """Limit lines and alarm spans of the panel's parameters; commands and faults sent."""
    for limit in context.marks.limits_of(names):
        colour = _LIMIT_COLOURS[limit.colour]
        style, width = ("--", 0.9) if limit.mode is None else (":", 0.7)
        ax.axhline(limit.value * panel.scale, color=colour, linestyle=style, linewidth=width)
    right_h = ax.get_xlim()[1] if context.end_h is None else context.end_h
    for span in context.marks.alarms_of(names):
        end_h = right_h if span.end_s is None else span.end_s / HOUR_S
        colour = _LIMIT_COLOURS["red" if span.red else "yellow"]
        ax.axvspan(span.start_s / HOUR_S, end_h, color=colour, alpha=0.15, linewidth=0, zorder=0)
    for mark in context.marks.moments:
        line, shade = ("dotted", "0.45") if mark.kind == "command" else ("dashdot", "tab:purple")
        ax.axvline(mark.time_s / HOUR_S, linestyle=line, color=shade, linewidth=0.8)


def _line(ax: Axes, series: Series, scale: float, label: str | None) -> None:
    times_h, values = _with_gaps(series.times_s / HOUR_S, series.values * scale)
    ax.plot(
        times_h,
        values,
        linewidth=1.2,
        label=label,
        drawstyle="steps-post" if series.steps else "default",
    )
    if series.categories:
        ax.set_yticks(range(len(series.categories)), series.categories)
    elif series.steps:
        ax.set_yticks([0, 1], ["false", "true"])


def _in_kilowatts(panel: Panel, series: Sequence[Series]) -> Panel:
    """Return `panel` drawn in kW when its powers reach 10 kW (a station's, not a smallsat's)."""
    peak_w = max((float(np.nanmax(np.abs(s.values), initial=0.0)) for s in series), default=0.0)
    if "(W)" not in panel.ylabel or peak_w * panel.scale < 10_000.0:
        return panel
    return replace(panel, ylabel=panel.ylabel.replace("(W)", "(kW)"), scale=panel.scale / 1e3)


def _limit(ax: Axes, panel: Panel, series: Sequence[Series]) -> None:
    """Start power axes at zero, and say so when a panel's parameters never change."""
    values = np.concatenate([s.values * panel.scale for s in series])
    if not len(values) or np.isnan(values).all():
        return
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    if panel.from_zero and low >= 0.0:
        top = high * 1.08 if high > 0.0 else 1.0
        ax.set_ylim(-0.03 * top, top)  # a little below zero, so a line at 0 W clears the axis
    if math.isclose(low, high, rel_tol=1e-9, abs_tol=1e-12) and not any(s.steps for s in series):
        text = f"constant at {format_number(low)}"
        ax.text(0.01, 0.9, text, transform=ax.transAxes, fontsize=8, color="0.35", va="top")


def _event_strip(ax: Axes, events: Sequence[EventRecord]) -> None:
    """Label each event in a strip above the panels, on the first of three rows where it does
    not overlap the label before it; events with no free row are counted in the strip's title."""
    left, right = ax.get_xlim()
    char_h = _EVENT_CHAR_FRACTION * (right - left)  # the width of one label character, in hours
    row_ends_h = [-math.inf] * len(_EVENT_ROWS)
    hidden = 0
    for event in events:
        time_h = event.time_s / HOUR_S
        colour = _SEVERITY_COLOURS.get(event.severity, "tab:red")
        ax.axvline(time_h, color=colour, linewidth=0.9)
        label = f"{event.subsystem}.{event.name}"
        row = next((i for i, end_h in enumerate(row_ends_h) if end_h < time_h), None)
        if row is None:
            hidden += 1
            continue
        ax.text(time_h, _EVENT_ROWS[row], f" {label}", va="center", fontsize=7, color=colour)
        row_ends_h[row] = time_h + (len(label) + 2) * char_h
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([])
    ax.tick_params(axis="x", length=0)
    more = f" ({hidden} more not labelled)" if hidden else ""
    ax.set_title(f"Events of severity {EVENT_MIN_SEVERITY} or more{more}", loc="left", fontsize=10)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise PlotsUnavailable(
            'plots need matplotlib; install it with: pip install "flightsw-emulator[plots]"'
        ) from None
    matplotlib.use("Agg")  # files only: never look for a display
    import matplotlib.pyplot as plt

    return plt


# -- data -----------------------------------------------------------------------------------


def _series(
    archive: Archive, name: str, start_s: float | None, end_s: float | None, segment: int
) -> Series:
    history = archive.parameter_history(name, start_s, end_s, segment)
    times = np.array([t for t, _ in history], dtype=float)
    raw = [v for _, v in history]
    if any(isinstance(v, str) for v in raw):
        categories = tuple(dict.fromkeys(str(v) for v in raw))
        codes = np.array([categories.index(str(v)) for v in raw], dtype=float)
        return Series(name, times, codes, categories, steps=True)
    steps = bool(raw) and all(isinstance(v, bool) for v in raw)
    return Series(name, times, np.array(raw, dtype=float), steps=steps)


def _with_gaps(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert NaN where samples pause for over GAP_FACTOR typical intervals, so lines break."""
    if len(times) < 3:
        return times, values
    steps = np.diff(times)
    gaps = np.flatnonzero(steps > GAP_FACTOR * float(np.median(steps))) + 1
    if not len(gaps):
        return times, values
    return np.insert(times, gaps, times[gaps - 1] + steps[gaps - 1] / 2), np.insert(
        values, gaps, np.nan
    )


def _spans(times: np.ndarray, inside: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Return `(start, end)` of every run of True in `inside` (N,) over `times` (N,).

    A run ends at the first sample outside it (the last sample when none follows), as a
    step drawn `steps-post` does.
    """
    edges = np.diff(np.concatenate(([0], inside.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.minimum(np.flatnonzero(edges == -1), len(times) - 1)
    return tuple((float(times[a]), float(times[b])) for a, b in zip(starts, ends, strict=True))


def _short(name: str) -> str:
    key = name.split(".", 1)[-1]
    suffix = next((s for s, _ in UNIT_SUFFIXES if key.endswith(s) and len(key) > len(s)), "")
    return re.sub("_+", " ", key[: len(key) - len(suffix)]).strip()


def format_number(value: float) -> str:
    """A value as an axis label: five significant digits."""
    return f"{value:.5g}"


def _check_range(start_s: float | None, end_s: float | None) -> None:
    if start_s is not None and end_s is not None and start_s > end_s:
        raise PlotError(f"the range is empty: start {start_s:g} s is after end {end_s:g} s")
