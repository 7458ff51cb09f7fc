"""Every reason either process refuses an input with is declared once and listed in the ICD."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from flightsw.icd import reasons
from ground.api import CONTROL_REASONS

ROOT = Path(__file__).resolve().parents[3]
ICD = ROOT / "docs" / "icd.md"

# Calls whose first string argument is a reason word (the error types, and the counters and
# reporters a reason is handed to), and those where it is the second (ControlError's message
# comes first).
FIRST_ARGUMENT = {
    "FrameError",
    "MessageError",
    "admit",
    "count",
    "refuse",
    "_refuse",
    "reject_frame",
}
SECOND_ARGUMENT = {"ControlError"}


def called_name(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def reasons_in_code() -> dict[str, str]:
    """Each reason word the code raises or counts with a literal, and where it first appears."""
    found: dict[str, str] = {}
    for path in sorted([*(ROOT / "flightsw").rglob("*.py"), *(ROOT / "ground").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = called_name(node)
            word = None
            if name in FIRST_ARGUMENT and node.args:
                word = literal(node.args[0])
            elif name in SECOND_ARGUMENT and len(node.args) > 1:
                word = literal(node.args[1])
            if word is not None and re.fullmatch(r"[a-z_]+", word):
                found.setdefault(word, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def reasons_in_icd() -> set[str]:
    """The words of the first column of the refusal table in docs/icd.md section 6."""
    text = ICD.read_text()
    section = text[text.index("## 6.") : text.index("## 7.")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {word for row in rows for word in re.findall(r"`(\w+)`", row.split("|")[1])}


def test_the_code_finds_reasons_to_check() -> None:
    found = reasons_in_code()
    assert {"bad_crc", "bad_envelope", "bad_arrival", "time_ahead", "unknown_op"} <= found.keys()


def test_every_reason_the_code_uses_is_declared() -> None:
    declared = reasons.ALL | set(CONTROL_REASONS)
    undeclared = {word: where for word, where in reasons_in_code().items() if word not in declared}
    assert not undeclared, f"declare these in flightsw/icd/reasons.py: {undeclared}"


def test_every_declared_reason_is_in_the_icd_refusal_table_and_no_other() -> None:
    declared = reasons.ALL | set(CONTROL_REASONS)
    documented = reasons_in_icd()
    assert declared - documented == set(), "docs/icd.md section 6 lacks these"
    assert documented - declared == set(), "docs/icd.md section 6 lists reasons no code uses"


def test_each_socket_counts_its_own_reasons() -> None:
    assert set(reasons.BY_SOCKET) == {"uplink", "downlink", "truth", "sim"}
    assert "bad_envelope" in reasons.BY_SOCKET["uplink"]
    assert "bad_envelope" not in reasons.BY_SOCKET["downlink"]
    assert set(reasons.BY_SOCKET["downlink"]) >= set(reasons.PACKET + reasons.BODY)
