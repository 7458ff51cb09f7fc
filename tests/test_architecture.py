"""Rules of the code base that keep the design honest, checked on the source itself.

The layering drawn in docs/design.md ("Architecture") is enforced here: what the ground may take
from the flight software, and which of its own packages each ground package may use.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flightsw", "ground")
CLOCK_MODULE = ROOT / "flightsw" / "clock.py"

# What the ground may import from the flight side, and why. The ICD is the seam; each other
# entry is a fact both processes must share rather than copy.
GROUND_MAY_IMPORT_FROM_FLIGHT = {
    "flightsw.icd": "the interface control document: packets, messages, dictionary specs",
    "flightsw.config": "the mission config, key files and operators file (with its roles), read and checked the same way by both",
    "flightsw.clock": "the one module that reads the wall clock (a rule below holds both to it)",
    "flightsw.physics.constants": "the speed of light, declared once with its source",
    "flightsw.cli": "the command-line conventions (exit codes, common options, logging) of all three programs",
    "flightsw": "`__version__`: one version for the product",
}

# Which ground packages each ground package may import (besides itself and the shared modules
# below, which every package may use). Read it top-down: nothing reaches upwards.
GROUND_LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "dictionary": set(),
    "vocabulary": set(),
    "link": set(),
    "archive": set(),  # the archive never imports the rules, commanding or the service
    "rules": set(),
    # The commander publishes the live feed's command and queue events, typed by the API.
    "commanding": {"archive", "link", "api"},
    "process": {"archive", "commanding", "link", "rules", "api"},
    "api": set(),  # the messages and their client never import the service they talk to
    "plots": {"archive"},
    "console": {"api", "plots"},  # the console talks to the ground only through the API
    "web": {"api"},  # and so does the web
    "replay": {"archive", "link", "rules", "process", "api"},
    # Shows times and values as the console does, via api; compares archives by their schema.
    "testkit": {"api", "archive", "cli"},
    "cli": {"api", "archive", "console", "plots", "process", "replay", "testkit", "web"},
    "__main__": {"process"},
}


SHARED_MODULES = {
    "errors": "the one exception tree",
    "dictionary": "the flight dictionary as the ground reads it",
    "vocabulary": "alarm severities and states, command statuses, queue states: the words the "
    "rules, the commanding and the control API's messages share",
}


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


def ground_package_of(path: Path) -> str:
    """`link` for ground/link/channel.py, `dictionary` for ground/dictionary.py."""
    first = path.relative_to(ROOT / "ground").parts[0]
    return first.removesuffix(".py")


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


def test_the_ground_takes_from_the_flight_side_only_the_icd_and_the_allow_list() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files("ground")
        for name in sorted(imported_modules(path))
        if (name == "flightsw" or name.startswith("flightsw."))
        and name not in GROUND_MAY_IMPORT_FROM_FLIGHT
    ]
    assert offenders == []


def test_every_ground_package_imports_only_the_layers_below_it() -> None:
    offenders = []
    for path in python_files("ground"):
        if path.parent == ROOT / "ground" and path.name == "__init__.py":
            continue
        package = ground_package_of(path)
        allowed = GROUND_LAYERS[package] | {package, *SHARED_MODULES}
        for name in sorted(imported_modules(path)):
            if name.startswith("ground.") and name.split(".")[1] not in allowed:
                offenders.append(f"{path.relative_to(ROOT)} ({package}) imports {name}")
    assert offenders == []


def test_every_ground_package_is_placed_in_the_layers() -> None:
    found = {ground_package_of(path) for path in python_files("ground")} - {"__init__"}
    assert found == set(GROUND_LAYERS)


def test_every_package_in_the_tree_is_installed() -> None:
    """pyproject.toml lists the packages a (non-editable) install ships; one left out installs
    fine and fails only when a mission first loads it."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert in_tree - listed == set()


def test_every_subpackage_names_its_public_surface() -> None:
    """Each package's `__init__` lists what other packages may use, in `__all__`."""
    missing = [
        str(init.relative_to(ROOT))
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
        if init.parent != ROOT / package
        and "__all__"
        not in {
            target.id
            for node in ast.parse(init.read_text()).body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
    ]
    assert missing == []


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in python_files(package)
        if ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert missing == []
