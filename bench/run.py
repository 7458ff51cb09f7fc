"""Run every benchmark and print its figures: `python bench/run.py` (add --quick for a smoke run)."""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import housekeeping_frames, ingest_rate, raw_rate  # noqa: E402
from bench.stats import summary  # noqa: E402
from bench.stepped import stepped_speed  # noqa: E402

LEO = ROOT / "configs" / "leo_smallsat.toml"
LEO_RULES = ROOT / "configs" / "rules" / "leo_smallsat.toml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer frames and repeats (a smoke run)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # alarms raised by synthetic data are not news here
    repeats = 2 if args.quick else args.repeats
    count = 20_000 if args.quick else 100_000
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )

    frames = housekeeping_frames(LEO, count)
    per_frame = frames.parameters / count
    print(
        f"\n== ground ingest: {count:,} housekeeping frames, {per_frame:.1f} parameters each, {repeats} repeats"
    )
    raw = [raw_rate(frames) for _ in range(repeats)]
    runs = [ingest_rate(frames, LEO_RULES) for _ in range(repeats)]
    ingest = [rate for rate, _ in runs]
    lost = sum(lost for _, lost in runs)
    print(f"raw ZeroMQ + msgpack   {summary(raw, 'frames/s')}")
    print(f"ingest (CRC, decode, archive, rules, alarms)  {summary(ingest, 'frames/s')}")
    print(f"                       {summary([r * per_frame for r in ingest], 'parameters/s')}")
    print(f"frames lost            {lost}")
    ratio = sorted(i / r for i, r in zip(ingest, raw, strict=True))
    print(f"ingest / raw           {ratio[len(ratio) // 2]:.2f} (aim >= 0.33)")

    mission_s = 1800.0 if args.quick else 6 * 3600.0
    print(
        f"\n== stepped simulation: {LEO.name}, {mission_s / 3600:g} mission hours, {repeats} repeats"
    )
    speeds = [stepped_speed(LEO, mission_s) for _ in range(repeats)]
    print(f"speed                  {summary([s for s, _ in speeds], 'x real time')} (aim >= 1000x)")
    print(f"frames ingested / run  {speeds[0][1]:,}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
