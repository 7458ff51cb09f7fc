"""How the console shows things: rich tables and colours on a terminal, plain text in a pipe.

Everything the console prints goes through a `Renderer`. On a terminal it uses rich (tables,
colours by alarm and event severity); when stdout is a pipe or a file it writes the same content
as plain aligned text, with no escape codes, so scripts and CI logs stay greppable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console as RichConsole
from rich.table import Table
from rich.text import Text

from flightsw.icd import ArgSpec, CommandSpec, FaultSpec, Severity
from ground.api import (
    Alarm,
    ArchiveStatus,
    Command,
    Event,
    GroundStatus,
    QueueReply,
    ReceivedSchedule,
    RecoveryStatus,
    Sample,
    TimelineItem,
    fmt_value,
    mission_time,
)
from ground.vocabulary import AlarmSeverity, CommandStatus, QueueState

ALARM_STYLES = {
    AlarmSeverity.WATCH: "cyan",
    AlarmSeverity.WARNING: "yellow",
    AlarmSeverity.DISTRESS: "bold yellow",
    AlarmSeverity.CRITICAL: "red",
    AlarmSeverity.SEVERE: "bold red",
}
QUEUE_STYLES = {
    QueueState.ENABLED: "green",
    QueueState.BLOCKED: "yellow",
    QueueState.DISABLED: "red",
}
EVENT_STYLES = {1: "", 2: "cyan", 3: "yellow", 4: "bold red"}
PLAIN_WIDTH = 240  # wide enough that a pipe never wraps a table row


class Renderer:
    """Write console output to `out`, styled only when `tty` (default: `out.isatty()`)."""

    def __init__(self, out: TextIO, tty: bool | None = None) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.rich = RichConsole(
            file=out,
            force_terminal=self.tty,
            color_system="auto" if self.tty else None,
            no_color=not self.tty,
            width=None if self.tty else PLAIN_WIDTH,
            highlight=False,
            emoji=False,
        )

    # -- primitives ------------------------------------------------------------------------------

    def line(self, text: str, style: str = "") -> None:
        if self.tty and style:
            self.rich.print(Text(text, style=style))
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def error(self, text: str) -> None:
        self.line(f"error: {text}", "bold red")

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        styles: Iterable[str] | None = None,
        title: str = "",
    ) -> None:
        table = Table(
            title=title or None,
            box=box.SIMPLE_HEAD if self.tty else None,
            show_edge=False,
            pad_edge=False,
            header_style="bold" if self.tty else "",
            title_justify="left",
        )
        for column in columns:
            table.add_column(column, overflow="fold")
        style_list = list(styles) if styles is not None else []
        for index, row in enumerate(rows):
            style = style_list[index] if index < len(style_list) else ""
            table.add_row(*(Text(str(cell)) for cell in row), style=style or None)
        if self.tty:
            self.rich.print(table)
        else:  # rich pads cells to the column width; a pipe gets no trailing blanks
            with self.rich.capture() as captured:
                self.rich.print(table)
            self.out.writelines(line.rstrip() + "\n" for line in captured.get().splitlines())
        self.out.flush()

    # -- what the verbs show ---------------------------------------------------------------------

    def status(self, status: GroundStatus) -> None:
        ingest, channel = status.ingest, status.channel
        rows = [
            ("mission", status.mission),
            ("time", mission_time(status.time_s)),
            ("light time", f"{status.one_way_light_time_s:.3f} s one way"),
            ("range", "unknown" if status.range_m is None else f"{status.range_m / 1000:,.0f} km"),
            ("station", "visible" if channel.station_visible else "not visible"),
            ("frames", f"{ingest.frames} (refused {ingest.refused}, missing {ingest.frames_missing})"),
            ("events", status.events),
            ("alarms", status.alarms_active),
            ("commands pending", status.commands_pending),
            ("spacecraft", "heard" if status.silence is None else "SILENT"),
        ]  # fmt: skip
        styles = [""] * len(rows)
        if status.silence is not None:
            styles[-1] = "bold red"  # the spacecraft's row
        if status.segment > 1:  # another spacecraft has flown under this ground since the run began
            rows.append(("segment", status.segment))
            styles.append("")
        recovery = status.recovery
        if recovery is not None:
            rows.append(("recovery", recovery_line(recovery)))
            styles.append("bold red" if recovery.lost else "")
        archive = status.archive
        if archive is not None:
            rows.append(("archive", archive_line(archive)))
            styles.append("" if archive.writable else "bold red")
        self.table(("item", "value"), rows, styles, title="status")
        if status.silence is not None:
            self.line(f"{status.silence}: is flightsw running? (see its log)", "bold red")

    def command(self, command: Command) -> None:
        stages = "  ".join(f"{stage}@{time_s:.2f}" for stage, time_s in command.stages.items())
        failure = f"  code {command.code} {command.error}: {command.reason}" if command.code else ""
        red = command.status in (CommandStatus.FAILED, CommandStatus.REFUSED)
        self.line(
            f"command {command.id} {command.name}: {command.status}  {stages}{failure}",
            "red" if red else "",
        )

    def alarms(self, alarms: list[Alarm]) -> None:
        if not alarms:
            self.line("no active alarms", "green")
            return
        rows = [
            (
                a.severity.upper(),
                a.name,
                a.state,
                a.rule_state,
                fmt_value(a.current_value),
                mission_time(a.trigger_time_s),
                a.condition,
            )
            for a in alarms
        ]
        styles = [ALARM_STYLES[a.severity] for a in alarms]
        self.table(
            ("severity", "alarm", "state", "limit", "value", "since", "condition"),
            rows,
            styles,
            title=f"{len(alarms)} active alarm(s)",
        )

    def command_help(self, name: str, command: CommandSpec) -> None:
        hazard = " Hazardous: send it with `confirm`." if command.hazardous else ""
        self.line(f"{name}: {command.description}{hazard}")
        if not command.args:
            self.line("  no arguments")
            return
        self.table(
            ("argument", "kind", "unit", "range", "choices", "default", "what"),
            [
                (
                    arg.name,
                    arg.kind,
                    arg.unit,
                    _range_text(arg),
                    " | ".join(arg.choices),
                    "" if arg.default is None else fmt_value(arg.default),
                    arg.description,
                )
                for arg in command.args
            ],
        )

    def faults(self, faults: dict[str, FaultSpec], subsystem: str | None) -> None:
        rows, last = [], ""
        for name, fault in sorted(faults.items()):
            owner, short = name.split(".", 1)
            if subsystem and owner != subsystem:
                continue
            params = "; ".join(_describe_param(p) for p in fault.params) or "-"
            rows.append((owner if owner != last else "", short, params, fault.description))
            last = owner
        if not rows:
            self.line(f"no faults for {subsystem!r}")
            return
        self.table(("subsystem", "fault", "parameters", "description"), rows, title="faults")

    def events(self, events: list[Event]) -> None:
        if not events:
            self.line("no events")
        for ev in events:
            self.line(
                f"{mission_time(ev.time_s):>12}  {event_severity_name(ev.severity):6} "
                f"{ev.subsystem}.{ev.name}: {ev.message}",
                EVENT_STYLES.get(ev.severity, ""),
            )

    def timeline(self, items: list[TimelineItem]) -> None:
        if not items:
            self.line("nothing on the timeline in that range")
            return
        styles = [_timeline_style(item) for item in items]
        rows = [(mission_time(i.time_s), i.kind, i.text) for i in items]
        self.table(("time", "kind", "what"), rows, styles, title="timeline")

    def queue(self, reply: QueueReply) -> None:
        self.line(f"queue {reply.state}; {len(reply.held)} held", QUEUE_STYLES[reply.state])
        for command in reply.released:
            self.line(f"  released command {command.id} {command.name}")
        for command in reply.held:
            self.line(f"  holding command {command.id} {command.name} {command.args}")

    def schedule(self, received: ReceivedSchedule | None) -> None:
        """The on-board schedule as its latest TM[11,10] report has it (None: none yet)."""
        report = None if received is None else received.report
        state = "enabled" if report is not None and report.enabled else "disabled"
        activities = [] if report is None else report.activities
        time_s = None if received is None else received.time_s
        self.line(
            f"onboard schedule ({state}), reported at {mission_time(time_s)}: "
            f"{len(activities)} activit{'y' if len(activities) == 1 else 'ies'}"
        )
        if activities:
            keys = sorted(activities[0].__struct_fields__)
            self.table(keys, [[fmt_value(getattr(a, k)) for k in keys] for a in activities])

    def history(self, name: str, samples: list[Sample], limit: int = 40) -> None:
        shown = samples[-limit:]
        if len(samples) > limit:
            self.line(f"{name}: last {limit} of {len(samples)} samples")
        self.table(("time", name), [(mission_time(t), fmt_value(v)) for t, v in shown])


def _range_text(arg: ArgSpec) -> str:
    if arg.minimum is None and arg.maximum is None:
        return ""
    low = "" if arg.minimum is None else fmt_value(arg.minimum)
    high = "" if arg.maximum is None else fmt_value(arg.maximum)
    return f"{low}..{high}"


def _describe_param(param: ArgSpec) -> str:
    text = f"{param.name}: {param.kind}"
    if param.unit:
        text += f" [{param.unit}]"
    if param.minimum is not None or param.maximum is not None:
        text += f" {_range_text(param)}"
    if param.choices:
        text += " (" + "|".join(str(c) for c in param.choices) + ")"
    if param.default is not None:
        text += f" default {fmt_value(param.default)}"
    return text


def _timeline_style(item: TimelineItem) -> str:
    if item.kind == "alarm":
        for severity, style in ALARM_STYLES.items():
            if severity in item.text.lower():
                return style
    if "failed" in item.text or "refused" in item.text:
        return "red"
    return {"injection": "magenta", "command": "blue"}.get(item.kind, "")


def event_severity_name(severity: int) -> str:
    """INFO, LOW, MEDIUM or HIGH for a TM[5,x] subtype; the number itself if it is none of them."""
    try:
        return Severity(severity).name
    except ValueError:
        return str(severity)


def recovery_line(recovery: RecoveryStatus) -> str:
    """What a ground that picked its run up again has got back of what it missed."""
    span = f"T+{recovery.start_s:.1f}..T+{recovery.end_s:.1f} s"
    if not recovery.done:
        return f"{recovery.missing} frames of {span} on their way from the recorder"
    if recovery.lost:
        return f"{recovery.lost} of {recovery.missing} frames of {span} lost (recorder overwritten)"
    return f"all {recovery.missing} frames of {span} recovered"


def archive_line(archive: ArchiveStatus) -> str:
    """The archive as `status` shows it: its file, or what keeps it from being written."""
    if archive.writable:
        return archive.path
    return (
        f"NOT WRITTEN since {mission_time(archive.failing_since_s)}: {archive.rows_held:,} rows "
        f"held (limit {archive.hold_rows:,}); {archive.problem}"
    )
