"""Rules of the code base that keep the design honest, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flightsw", "ground")
CLOCK_MODULE = ROOT / "flightsw" / "clock.py"


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_both_packages_have_modules_to_check() -> None:
    assert all(len(python_files(package)) > 5 for package in PACKAGES)


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    """No other module imports `time`, or asks `datetime` for the current instant.

    (`datetime.fromisoformat` reading the epoch string of a config is not reading the clock.)
    """
    wall_clock_calls = ("datetime.now(", ".utcnow(", "date.today(", ".today()")
    offenders = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in python_files(package)
        if path != CLOCK_MODULE
        and (
            "time" in imported_modules(path)
            or any(call in path.read_text() for call in wall_clock_calls)
        )
    ]
    assert offenders == []


def test_flight_software_never_imports_the_ground() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("flightsw")
        if any(name == "ground" or name.startswith("ground.") for name in imported_modules(path))
    ]
    assert offenders == []


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in python_files(package)
        if ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert missing == []
