"""How long an outage each shipped mission's onboard recorder covers: `python bench/recorder_capacity.py`.

Each mission flies stepped for `--hours` of mission time; the spacecraft's own count of frames
made (its status) gives the rate, the archive the mean frame size, and the config the capacity.
A ground that is down longer than the recorder covers loses the oldest frames of its outage:
they are counted and archived as a loss when it picks its run up again (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flightsw.config import load_mission  # noqa: E402
from flightsw.config.catalog import shipped_missions  # noqa: E402
from flightsw.icd import simport  # noqa: E402
from ground.api import Step  # noqa: E402
from ground.cli.launcher import Mission, launch  # noqa: E402

DEFAULT_CAPACITY_FRAMES = 200_000  # flightsw.executive.spacecraft's default


def frames_made(flying: Mission) -> int:
    """The spacecraft's own count of frames made, over every APID (its sim port's status)."""
    import zmq

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    try:
        flying.secure_to_spacecraft(socket)
        socket.connect(flying.endpoints.sim)
        request = simport.StatusRequest()
        socket.send_multipart([b"", simport.encode(request)])
        if not socket.poll(30_000):
            raise RuntimeError("the spacecraft did not answer its status")
        reply = simport.decode_reply(request, socket.recv_multipart()[-1])
    finally:
        socket.close(linger=0)
        context.term()
    assert isinstance(reply, simport.StatusReply), reply
    return sum(reply.generated.values())


def measure(mission: str, hours: float, workdir: Path) -> tuple[float, float, int]:
    """Frames made per mission hour, mean octets per frame, and the recorder's capacity."""
    config = load_mission(mission)
    capacity = config.raw.section("recorder", {}).int(
        "capacity_frames", DEFAULT_CAPACITY_FRAMES, minimum=100, maximum=10_000_000
    )
    flying = launch(mission, workdir, mission, clock="stepped")
    try:
        flying.client.call(Step(seconds=hours * 3600.0), timeout_s=3600.0)
        made = frames_made(flying)
    finally:
        flying.stop()
    with sqlite3.connect(f"file:{flying.archive_path}?mode=ro", uri=True) as archive:
        mean_octets = archive.execute("SELECT avg(length) FROM frames").fetchone()[0]
    return made / hours, float(mean_octets), capacity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0, help="mission hours flown (default 2)")
    args = parser.parse_args()
    print(
        f"{'mission':<16}{'frames/h':>10}{'octets':>8}{'capacity':>10}{'covers':>10}{'memory':>10}"
    )
    with tempfile.TemporaryDirectory() as workdir:
        for mission in shipped_missions():
            rate, octets, capacity = measure(mission, args.hours, Path(workdir))
            covers_h = capacity / rate
            memory_mb = capacity * octets / 1e6
            print(
                f"{mission:<16}{rate:>10.0f}{octets:>8.0f}{capacity:>10}"
                f"{covers_h:>9.1f}h{memory_mb:>8.0f}MB"
            )


if __name__ == "__main__":
    main()
