"""Raw frames in compressed blocks: what comes back, and that commits do not change the file."""

from __future__ import annotations

import random
from pathlib import Path

from ground.archive import Archive
from ground.archive.frame_blocks import FRAMES_PER_BLOCK
from ground.testkit.archives import table_rows


def frames(count: int) -> list[bytes]:
    rng = random.Random(count)
    return [rng.randbytes(rng.randrange(10, 600)) for _ in range(count)]


def record(archive: Archive, octets: list[bytes], commit_every: int | None) -> None:
    for n, raw in enumerate(octets):
        archive.record_frame(float(n), raw, apid=5, seq=n % 16384, packet_type=0, service=3,
                             subtype=25, generated_s=float(n))  # fmt: skip
        if commit_every and n % commit_every == 0:
            archive.flush()


def test_every_frame_comes_back_whole_across_blocks(tmp_path: Path) -> None:
    octets = frames(2 * FRAMES_PER_BLOCK + 17)
    with Archive.create(tmp_path, "run") as archive:
        record(archive, octets, commit_every=None)
    with Archive.open(archive.path) as reader:
        assert [raw for _, raw in reader.frames()] == octets
        assert [raw for _, raw in reader.frames(start_s=300.0, end_s=310.0)] == octets[300:311]
    blocks = table_rows(archive.path)["frame_blocks"]
    assert [(block, codec, count) for block, codec, count, _ in blocks] == [
        (0, "zlib", FRAMES_PER_BLOCK), (1, "zlib", FRAMES_PER_BLOCK), (2, "zlib", 17)
    ]  # fmt: skip


def test_the_file_holds_the_same_blocks_whenever_the_commits_came(tmp_path: Path) -> None:
    octets = frames(FRAMES_PER_BLOCK + 40)
    contents = []
    for run, commit_every in (("once", None), ("often", 7), ("each", 1)):
        with Archive.create(tmp_path / run, "run") as archive:
            record(archive, octets, commit_every)
        contents.append(table_rows(archive.path))
    assert contents[0]["frame_blocks"] == contents[1]["frame_blocks"] == contents[2]["frame_blocks"]
    assert contents[0]["frames"] == contents[1]["frames"] == contents[2]["frames"]


def test_frames_of_one_run_compress_well(tmp_path: Path) -> None:
    report = b"\x08\x01" + b"power.battery_soc=0.9;bus_voltage_v=28.1;" * 8
    with Archive.create(tmp_path, "run") as archive:
        record(archive, [report] * FRAMES_PER_BLOCK, commit_every=None)
    [(_, _, _, data)] = table_rows(archive.path)["frame_blocks"]
    assert len(data) < len(report) * FRAMES_PER_BLOCK / 20  # alike frames: far under their size
