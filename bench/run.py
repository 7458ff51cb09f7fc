"""Run every benchmark and print its figures: `python bench/run.py` (add --quick for a smoke run)."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.archive_size import month_of_power, query_times_s, station_run_size  # noqa: E402
from bench.barrage import barrage  # noqa: E402
from bench.ingest import (  # noqa: E402
    alarm_latencies_us,
    decode_us,
    housekeeping_frames,
    ingest_rate,
    raw_rate,
    sustained_load,
)
from bench.light_time import ping_round_trips  # noqa: E402
from bench.overload import overload  # noqa: E402
from bench.security import per_telecommand_us  # noqa: E402
from bench.stats import summary  # noqa: E402
from bench.stepped import stepped_speed  # noqa: E402
from bench.testkit import (  # noqa: E402
    advance_hourly,
    hours_per_wall_minute,
    raw_steps,
    startup_costs,
    waiting_for_a_limit,
)
from bench.web_feed import web_feed_rates  # noqa: E402
from bench.web_page import page_keeps_up  # noqa: E402
from ground.process.service import BATCH_REPORTS  # noqa: E402

LEO = ROOT / "configs" / "leo_smallsat.toml"
LEO_RULES = ROOT / "configs" / "rules" / "leo_smallsat.toml"
STATION = ROOT / "configs" / "leo_station.toml"
STATION_RULES = ROOT / "configs" / "rules" / "leo_station.toml"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


SECTIONS = (
    "ingest", "archive", "stepped", "station", "latency", "lighttime", "kit", "barrage",
    "security", "web", "page",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer frames and repeats (a smoke run)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only these sections (repeatable)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # alarms raised by synthetic data are not news here
    repeats = 2 if args.quick else args.repeats
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    lost = 0
    for name in args.only or SECTIONS:
        lost += {
            "ingest": ingest_section,
            "archive": archive_section,
            "stepped": stepped_section,
            "station": station_section,
            "latency": latency_section,
            "lighttime": light_time_section,
            "kit": kit_section,
            "barrage": barrage_section,
            "security": security_section,
            "web": web_section,
            "page": page_section,
        }[name](args.quick, repeats)
    return 1 if lost else 0


def ingest_section(quick: bool, repeats: int) -> int:
    count = 20_000 if quick else 100_000
    frames = housekeeping_frames(STATION, count)
    per_frame = frames.parameters / count
    print(
        f"\n== ground ingest: {count:,} housekeeping frames of the crewed station, {per_frame:.1f} parameters"
    )
    print(f"   each, through its full rule set ({STATION_RULES.name}), {repeats} repeats")
    raw, runs, singles = [], [], []
    for _ in range(repeats):  # in turns, so that each sees the machine as the others do
        raw.append(raw_rate(frames))
        runs.append(ingest_rate(frames, STATION_RULES))
        singles.append(ingest_rate(frames, STATION_RULES, batch_reports=1))
    ingest = [rate for rate, _ in runs]
    lost = sum(lost for _, lost in runs + singles)
    print(f"raw ZeroMQ + msgpack   {summary(raw, 'frames/s')}")
    print(f"ingest (CRC, decode, archive, rules, alarms, feed)  {summary(ingest, 'frames/s')}")
    print(f"                       {summary([r * per_frame for r in ingest], 'parameters/s')}")
    print(
        "  rules judging each report as it lands (batch_reports=1)  "
        f"{summary([rate for rate, _ in singles], 'frames/s')}"
    )
    print(f"frames lost            {lost}")
    sustained_fps = 20_000 / per_frame  # 100 spacecraft x 20 parameters x 10 Hz
    seconds = 3 if quick else 10
    paced = housekeeping_frames(STATION, int(sustained_fps * seconds))
    loads = [sustained_load(paced, STATION_RULES, sustained_fps) for _ in range(repeats)]
    lost += sum(lost_now for _, lost_now in loads)
    print(
        f"sustained 20,000 parameters/s ({sustained_fps:,.0f} frames/s for {seconds} s): "
        f"{summary([share * 100 for share, _ in loads], '% of one core', 1)} (aim < 5)"
    )
    print(
        f"body decode (ICD)      {summary([decode_us(frames) for _ in range(repeats)], 'us/frame', 2)}"
    )
    ratio = sorted(i / r for i, r in zip(ingest, raw, strict=True))
    print(f"ingest / raw           {ratio[len(ratio) // 2]:.2f} (aim >= 0.33)")
    capacity_pps = statistics.median(ingest)
    overload_s = 1.0 if quick else 3.0
    offered = housekeeping_frames(STATION, int(capacity_pps * 10 * overload_s * 1.1))
    runs_over = [
        overload(offered, STATION_RULES, capacity_pps, 10.0, overload_s) for _ in range(repeats)
    ]
    print(
        f"10x overload ({overload_s:g} s)  "
        f"{summary([r.delivered_pps / capacity_pps * 100 for r in runs_over], '% of capacity')} "
        "delivered (aim >= 90)"
    )
    print(
        f"                       {summary([r.dropped_messages / max(r.dropped_messages + r.sent_messages, 1) * 100 for r in runs_over], '% of messages dropped by the sender, counted')}"
    )
    print(
        f"                       resident memory {summary([r.rss_after_mib - r.rss_before_mib for r in runs_over], 'MiB more after than before', 1)}"
    )
    return lost


def archive_section(quick: bool, repeats: int) -> int:
    mission_s = 3600.0 if quick else 6 * 3600.0
    print(
        f"\n== archive: {mission_s / 3600:g} mission hours of the crewed station stepped with "
        "`mission run`; one parameter\n   read over mission days of power reports, "
        f"{repeats} repeats"
    )
    size = station_run_size(STATION, mission_s)
    print(
        f"size                   {size.bytes_per_sample:.1f} octets per parameter sample (aim "
        f"<= 20): {size.file_bytes / 1e6:,.1f} MB for {size.samples:,} samples, {size.frames:,} "
        "frames kept"
    )
    days = 3.0 if quick else 30.0
    with tempfile.TemporaryDirectory() as folder:
        path = month_of_power(Path(folder), days)
        times_s = query_times_s(path, repeats)
    print(f"one parameter, {days:g} days {summary(times_s, 's', 3)} (aim < 1 over 30 days)")
    return 0


def stepped_section(quick: bool, repeats: int) -> int:
    mission_s = 1800.0 if quick else 6 * 3600.0
    print(
        f"\n== stepped simulation: {LEO.name}, {mission_s / 3600:g} mission hours, {repeats} repeats"
    )
    runs_leo = [stepped_speed(LEO, mission_s) for _ in range(repeats)]
    print(
        f"speed                  {summary([r.speed for r in runs_leo], 'x real time')} (aim >= 1000x)"
    )
    print(f"frames ingested / run  {runs_leo[0].frames:,}")
    return 0


def station_section(quick: bool, repeats: int) -> int:
    day_s = 3600.0 if quick else 86_400.0
    print(f"\n== crewed station, {day_s / 3600:g} mission hours stepped (14 subsystems, 4 crew)")
    station = stepped_speed(STATION, day_s, step_s=3600.0)
    print(
        f"speed                  {station.speed:,.0f} x real time (aim >= 1000x); "
        f"{day_s / station.speed:,.1f} s of wall time"
    )
    print(
        f"peak memory            flightsw {station.flight_peak_mib:,.0f} MiB, ground {station.ground_peak_mib:,.0f} MiB"
    )
    print(f"frames ingested        {station.frames:,}; alarms active at the end {station.alarms}")
    return 0


def latency_section(quick: bool, repeats: int) -> int:
    print(
        f"\n== alarm latency: from a message's frames landing to its alarm on the feed, {repeats * 200} alarms"
    )
    alone_us = alarm_latencies_us(STATION, STATION_RULES, repeats * 200)
    print(f"latency, the report alone in its message   {summary(alone_us, 'us')}")
    batch_us = alarm_latencies_us(STATION, STATION_RULES, repeats * 200, BATCH_REPORTS - 1)
    print(
        f"latency, first of a batch of {BATCH_REPORTS} reports   {summary(batch_us, 'us')} "
        "(aim: a few ms)"
    )
    return 0


def light_time_section(quick: bool, repeats: int) -> int:
    pings = 5 if quick else 20
    print(
        f"\n== light time in realtime: {pings} pings to the lunar orbiter at rate 1, each round "
        "trip timed on the wall clock\n   between the live feed's `sent` and `completed` stages"
    )
    trips = ping_round_trips(pings)
    print(f"wall round trip        {summary([t.wall_s for t in trips], 's', 4)}")
    print(
        "wall - 2 x light time  "
        f"{summary([(t.wall_s - t.two_way_light_s) * 1000 for t in trips], 'ms', 2)} (aim within ±5)"
    )
    print(
        "wall - archived        "
        f"{summary([(t.wall_s - t.archived_s) * 1000 for t in trips], 'ms', 2)} "
        "(what the operator saw against the archive's stamps)"
    )
    return 0


def kit_section(quick: bool, repeats: int) -> int:
    kit_s = 2 * 3600.0 if quick else 6 * 3600.0
    print(
        f"\n== test kit on the crewed station: {kit_s / 3600:g} mission hours per workload, "
        f"{repeats} rounds (the workloads take turns, so drift hits them alike)"
    )
    workloads = {
        "control-API steps of 1 h (no kit)": raw_steps(3600.0),
        "control-API steps of 10 s (no kit)": raw_steps(10.0),
        "hil.advance, an hour at a time": advance_hourly,
        "hil.wait_check, looking every 10 s": waiting_for_a_limit,
    }
    measured: dict[str, list[float]] = {label: [] for label in workloads}
    for _ in range(repeats):
        for label, workload in workloads.items():
            measured[label].append(hours_per_wall_minute("leo_station", kit_s, workload))
    for label, rates in measured.items():
        print(f"{label:<36} {summary(rates, 'mission h per wall min', 1)}")
    kit = statistics.median(measured["hil.wait_check, looking every 10 s"])
    raw = statistics.median(measured["control-API steps of 10 s (no kit)"])
    print(
        f"wait_check / 10 s steps              {kit / raw:.2f} (the kit's own cost); aim >= 16 h per min"
    )
    costs = startup_costs("leo_station", repeats)
    print(
        f"fixture start-up: fresh launch         {summary([s * 1000 for s in costs.launch_s], 'ms')}"
    )
    print(
        f"                  stop                 {summary([s * 1000 for s in costs.stop_s], 'ms')}"
    )
    print(
        f"                  reset of shared      {summary([s * 1000 for s in costs.reset_s], 'ms')}"
    )
    return 0


def security_section(quick: bool, repeats: int) -> int:
    count = 2_000 if quick else 20_000
    print(
        f"\n== telecommand authentication: {count:,} power commands signed by the ground and "
        f"checked by the spacecraft, {repeats} repeats"
    )
    runs = [per_telecommand_us(count) for _ in range(repeats)]
    print(f"plain decode (baseline)  {summary([r['decode'] for r in runs], 'us/TC', 1)}")
    print(f"sign (ground)            {summary([r['sign'] for r in runs], 'us/TC', 1)}")
    print(f"check (spacecraft)       {summary([r['check'] for r in runs], 'us/TC', 1)}  (aim < 50)")
    print("                         CRC, SPI, MAC, anti-replay window, and its numbers written")
    return 0


def web_section(quick: bool, repeats: int) -> int:
    count = 5_000 if quick else 50_000
    frames = housekeeping_frames(STATION, count)
    per_event = frames.parameters / count
    print(
        f"\n== live feed through `mission web`: {count:,} station reports ({per_event:.1f} "
        f"parameters each) to a WebSocket client,\n   beside a plain ZeroMQ subscriber, {repeats} repeats"
    )
    runs = [web_feed_rates(frames.frames) for _ in range(repeats)]
    web = [r["web"] for r in runs]
    raw = [r["zeromq"] for r in runs]
    print(f"ZeroMQ subscriber      {summary(raw, 'events/s')}")
    print(f"WebSocket via the web  {summary(web, 'events/s')}")
    print(
        f"                       {summary([w * per_event for w in web], 'parameter updates/s')}"
        "  (aim >= 1,000 updates/s)"
    )
    print(f"web / ZeroMQ           {statistics.median(web) / statistics.median(raw):.2f}")
    return 0


def page_section(quick: bool, repeats: int) -> int:
    hours = 1 if quick else 3
    print(
        f"\n== the operator page in headless Chromium: the crewed station stepped {hours} mission "
        f"hour(s) as fast as it goes,\n   every live-feed event taken by the page, {repeats} repeats"
    )
    runs = [page_keeps_up(STATION, hours) for _ in range(repeats)]
    print(f"events taken           {summary([r['events_per_s'] for r in runs], 'events/s')}")
    print(
        f"parameter updates      {summary([r['updates_per_s'] for r in runs], 'updates/s')}"
        "  (aim >= 1,000 updates/s)"
    )
    print(
        f"caught up after        {summary([r['caught_up_ms'] for r in runs], 'ms')} "
        "after the last step's reply"
    )
    return 0


def barrage_section(quick: bool, repeats: int) -> int:
    count = 20_000 if quick else 1_000_000
    print(
        f"\n== hostile input: {count:,} mutated frames, envelopes, truth messages or requests at"
        " each socket\n   of both processes (one run each: the figure is a rate over all of them)"
    )
    crashes = 0
    for row in barrage(count):
        flight_before, ground_before = cast(tuple[int, int], row["rss_before_kib"])
        flight_after, ground_after = cast(tuple[int, int], row["rss_after_kib"])
        crashes += int(row["crashes"])  # type: ignore[call-overload]
        print(
            f"{row['socket']:<20} {row['refused_per_s']:>9,.0f} refused/s, crashes {row['crashes']}, "
            f"RSS flightsw {flight_before / 1024:.0f} -> {flight_after / 1024:.0f} MiB, "
            f"ground {ground_before / 1024:.0f} -> {ground_after / 1024:.0f} MiB"
        )
        for key, what in (("counted_otherwise", "counted as"), ("uncounted", "not counted as")):
            reasons: dict[str, int] = row[key]  # type: ignore[assignment]
            if reasons:  # said, never hidden in the rate
                print(
                    f"{'':<20} of {row['sent']:,} sent, {what}: "
                    + ", ".join(f"{reason} {count:,}" for reason, count in reasons.items())
                )
    return crashes


if __name__ == "__main__":
    sys.exit(main())
