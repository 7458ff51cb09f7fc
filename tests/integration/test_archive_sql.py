"""docs/archive.md's queries, run as written by plain sqlite3 on a real run's archive."""

from __future__ import annotations

import re
import sqlite3
import zlib
from pathlib import Path

import pytest

from flightsw.icd import decode

DOC = Path(__file__).resolve().parents[2] / "docs" / "archive.md"


def documented_queries() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(), flags=re.S)
    statements = [part.strip() for block in blocks for part in block.split(";")]
    return [
        "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        for statement in statements
        if statement
    ]


@pytest.mark.integration
@pytest.mark.mission("leo_smallsat")
def test_the_documented_queries_read_a_real_archive_without_this_projects_code(hil) -> None:  # type: ignore[no-untyped-def]
    hil.advance(5700.0)  # an orbit, eclipse and sunlight: the archive commits at each step's end
    assert hil.mission is not None
    archive = hil.mission.archive_path
    db = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    try:
        queries = documented_queries()
        assert len(queries) == 6
        answers = [db.execute(query).fetchall() for query in queries]
        units = {name: unit for name, _, unit in answers[0]}
        assert units["battery_soc"] == "" and units["bus_voltage_v"] == "V"
        soc = answers[1]
        assert soc and all(0.0 <= value <= 1.0 for _, value in soc)
        assert answers[2] and all(low <= high for _, _, low, high in answers[2])
        # A frame's octets out of its block, as the document shows: a CCSDS packet again.
        block, offset, length = db.execute(
            "SELECT block, block_offset, length FROM frames WHERE ok ORDER BY id DESC LIMIT 1"
        ).fetchone()
        (data,) = db.execute("SELECT data FROM frame_blocks WHERE block = ?", (block,)).fetchone()
        packet = decode(zlib.decompress(data)[offset : offset + length])
        assert packet.apid > 0
    finally:
        db.close()
