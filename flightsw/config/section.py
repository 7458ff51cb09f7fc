"""Typed reading of one TOML table, refusing bad values with the file, the key and the reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flightsw.errors import ConfigError

_MISSING = object()


class Section:
    """A TOML table with typed getters; every error names the file and the dotted key."""

    def __init__(self, data: Mapping[str, Any], path: str, prefix: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path, prefix, f"expected a table, found {type(data).__name__}")
        self.data = data
        self.path = path
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def has(self, name: str) -> bool:
        return name in self.data

    def error(self, name: str, reason: str) -> ConfigError:
        return ConfigError(self.path, self.key(name), reason)

    def _get(self, name: str, default: Any) -> Any:
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            raise self.error(name, "is missing")
        return default

    def vector(
        self, name: str, length: int, default: Any = _MISSING, unit: str = ""
    ) -> tuple[float, ...]:
        value = self._get(name, default)
        if (
            not isinstance(value, list | tuple)
            or len(value) != length
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise self.error(
                name, f"expected a list of {length} numbers{' in ' + unit if unit else ''}"
            )
        return tuple(float(v) for v in value)

    def section(self, name: str, default: Any = _MISSING) -> Section:
        value = self._get(name, default)
        return Section(value, self.path, self.key(name))

    def sections(self, name: str) -> list[Section]:
        """An array of tables (`[[name]]`), possibly empty."""
        value = self._get(name, [])
        if not isinstance(value, list):
            raise self.error(name, "expected an array of tables ([[...]])")
        return [Section(item, self.path, f"{self.key(name)}[{i}]") for i, item in enumerate(value)]

    def table_names(self) -> list[str]:
        return [k for k, v in self.data.items() if isinstance(v, Mapping)]

    # The typed getters come last: their names shadow the built-in types in the class body,
    # so annotations after them would name the methods.

    def float(
        self,
        name: str,
        default: Any = _MISSING,
        minimum: float | None = None,
        maximum: float | None = None,
        unit: str = "",
    ) -> float:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(
                name, f"expected a number{' in ' + unit if unit else ''}, found {value!r}"
            )
        value = float(value)
        if minimum is not None and value < minimum:
            raise self.error(
                name, f"expected at least {minimum:g} {unit}".rstrip() + f", found {value:g}"
            )
        if maximum is not None and value > maximum:
            raise self.error(
                name, f"expected at most {maximum:g} {unit}".rstrip() + f", found {value:g}"
            )
        return value

    def int(
        self,
        name: str,
        default: Any = _MISSING,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected a whole number, found {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(name, f"expected at least {minimum}, found {value}")
        if maximum is not None and value > maximum:
            raise self.error(name, f"expected at most {maximum}, found {value}")
        return value

    def bool(self, name: str, default: Any = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self.error(name, f"expected true or false, found {value!r}")
        return value

    def str(self, name: str, default: Any = _MISSING, choices: tuple[str, ...] = ()) -> str:
        value = self._get(name, default)
        if not isinstance(value, str):
            raise self.error(name, f"expected a string, found {value!r}")
        if choices and value not in choices:
            raise self.error(name, f"expected one of {', '.join(choices)}, found {value!r}")
        return value
