"""docs/client.md runs as written: its examples, in order, against a real stepped mission."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration

DOC = Path(__file__).resolve().parents[2] / "docs" / "client.md"


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_the_client_guide_runs_as_written(mission: Mission) -> None:
    blocks = examples()
    assert len(blocks) == 5  # attach, read, subscribe, command, acknowledge
    first = blocks[0].replace('DATA_DIR = "runs"', f"DATA_DIR = {str(mission.data_dir)!r}")
    assert first != blocks[0], "the guide's first example names its data folder as expected"
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in [first, *blocks[1:]]:
            exec(compile(block, str(DOC), "exec"), namespace)
    said = printed.getvalue()
    assert "leo-smallsat" in said
    assert "battery at" in said and "red low limit is 27.0 V" in said
    assert re.search(r"^\d+ power reports, the last at", said, re.M)
    assert "completed after sent, accepted, started, completed" in said
