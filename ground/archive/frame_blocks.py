"""Raw frames kept compressed, in blocks: what replay needs, at a fraction of its size.

Every received frame keeps a row in `frames` (when it came, its header, why it was refused) and
its octets in a block of `frame_blocks`: the frames whose ids fall in one run of
`FRAMES_PER_BLOCK`, concatenated in the order written and compressed together. A block holds
many frames of the same few shapes (the same parameter names, slowly moving values), which
compress about 6 to 1 where one frame alone hardly compresses; a station's 449-octet frames
take about 74 octets each (measured in docs/archive.md). The row says where its octets are
(`block`, `block_offset`, `length`).

A block is written whole at each commit that adds to it, so what the file holds never depends
on when commits happened: the same frames give the same blocks, and a stepped run still
repeats byte for byte. Only the newest block is ever rewritten, so a commit costs at most one
block's decompression and compression.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

from ground.errors import ArchiveError

FRAMES_PER_BLOCK = 256
"""Frames per block: 256 station frames are about 115 kB before compression, 18 kB after; a
replay decompresses one block per 256 frames, and bigger blocks compress hardly better."""
CODEC = "zlib"  # the Python standard library's, so any tool with zlib reads a block
LEVEL = 1
"""zlib's fastest: a station run's blocks come out 6 % larger than at the default level 6, in 58 %
of the time (2.7 against 4.6 us a frame), and ingest pays it on every frame."""

RAW = 11  # where a pending frame row holds its octets (the `frames` INSERT takes it out)

INSERT_FRAME = "INSERT INTO frames VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_BLOCK = "INSERT OR REPLACE INTO frame_blocks VALUES (?, ?, ?, ?)"


def block_of(frame_id: int) -> int:
    """The block that holds the frame with this id (ids start at 1)."""
    return (frame_id - 1) // FRAMES_PER_BLOCK


def write_frames(connection: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert pending frame rows (`Archive.record_frame`'s, octets at `RAW`), their octets
    appended to their blocks. Runs inside the caller's transaction."""
    for block, grouped in groupby(rows, key=lambda row: block_of(row[0])):
        stored = connection.execute(
            "SELECT codec, frames, data FROM frame_blocks WHERE block = ?", (block,)
        ).fetchone()
        data = bytearray() if stored is None else bytearray(_decompressed(block, *stored[::2]))
        count = 0 if stored is None else stored[1]
        frame_rows = []
        for row in grouped:
            raw = row[RAW]
            frame_rows.append((*row[:RAW], *row[RAW + 1 :], block, len(data)))
            data += raw
            count += 1
        connection.execute(INSERT_BLOCK, (block, CODEC, count, zlib.compress(data, LEVEL)))
        connection.executemany(INSERT_FRAME, frame_rows)


class RawFrames:
    """Read frames' octets back from their blocks, keeping the latest block decompressed
    (frames are nearly always read in the order they were written)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._block: int | None = None
        self._data = b""

    def octets(self, block: int, offset: int, length: int) -> bytes:
        if block != self._block:
            stored = self._connection.execute(
                "SELECT codec, data FROM frame_blocks WHERE block = ?", (block,)
            ).fetchone()
            if stored is None:
                raise ArchiveError(f"frame block {block} is missing from the archive")
            self._data = _decompressed(block, *stored)
            self._block = block
        return self._data[offset : offset + length]

    def attach(self, rows: Iterable[tuple[Any, ...]], at: int) -> Iterator[tuple[Any, ...]]:
        """Rows whose columns `at`, `at + 1`, `at + 2` are block, offset and length, with those
        three replaced by the frame's octets."""
        for row in rows:
            yield (*row[:at], self.octets(*row[at : at + 3]), *row[at + 3 :])


def _decompressed(block: int, codec: str, data: bytes) -> bytes:
    if codec != CODEC:
        raise ArchiveError(f"frame block {block} is compressed with {codec!r}, not {CODEC!r}")
    return zlib.decompress(data)
