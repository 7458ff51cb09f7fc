"""The missions shipped with the emulator, found by name wherever the package is installed.

A wheel carries the configs inside the package (`flightsw/missions/`); a source checkout or an
editable install reads them from the repository's `configs/`. Either way `leo_station` names the
same file, so test suites and scenarios can ask for a mission without knowing where it lives.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # flightsw/


def shipped_missions_dir() -> Path:
    installed = PACKAGE_DIR / "missions"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / "configs"


def shipped_missions() -> list[str]:
    """Names of the shipped missions, e.g. `leo_smallsat`."""
    return sorted(path.stem for path in shipped_missions_dir().glob("*.toml"))


def resolve_config(name_or_path: str | Path) -> Path:
    """A config file: `name_or_path` itself if it exists, else the shipped mission of that name.

    A path that exists nowhere is returned as given, so the loader can say it is missing.
    """
    path = Path(name_or_path)
    if path.exists() or path.suffix or len(path.parts) > 1:
        return path
    shipped = shipped_missions_dir() / f"{path.name}.toml"
    return shipped if shipped.is_file() else path
