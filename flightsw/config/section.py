"""Typed reading of one TOML table, refusing bad values with the file, the key and the reason.

Every getter takes the key's default and, for numbers, its range and unit: a key's type, range,
unit and default are declared once, where the code that uses it reads it. Every read is noted
in the file's `Ledger`, so a key no reader takes can be refused once the whole file is read.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Mapping
from typing import Any, Final

from flightsw.config.ledger import Ledger, close_names, join
from flightsw.errors import ConfigError
from flightsw.icd.fields import NAME_CHARS


class Required:
    """The default of a key that has none: leaving it out is refused as `is missing`."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = Required()
DOTTED_NAME_CHARS = 2 * NAME_CHARS + 1  # `subsystem.name`
PATH_CHARS = 1024  # a path named in a config
MAX_TABLES = 100  # arrays of tables ([[...]]) and free-named tables, unless a reader says
MAX_LIST_ITEMS = 100  # lists of names or numbers, unless a reader says


class Section:
    """A TOML table with typed getters; every error names the file and the dotted key.

    Sections of one file share a `Ledger`: `Section(data, path, "")` starts one for a file,
    and the sections it hands out note their reads in it.
    """

    def __init__(
        self, data: Mapping[str, Any], path: str, prefix: str, ledger: Ledger | None = None
    ) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path, prefix, f"expected a table, found {_shown(data)}")
        self.data = data
        self.path = path
        self.prefix = prefix
        self.ledger = ledger if ledger is not None else Ledger()

    def key(self, name: str) -> str:
        return join(self.prefix, name)

    def has(self, name: str) -> bool:
        """Whether `name` is given. The name becomes a known one (for did-you-mean)."""
        self.ledger.ask(self.prefix, name)
        return name in self.data

    def error(self, name: str, reason: str) -> ConfigError:
        return ConfigError(self.path, self.key(name), reason)

    def refuse_unread(self, skip: tuple[str, ...] = ()) -> None:
        """Refuse the first key of this file that no reader took (outside `skip`).

        Call it on the file's root section once everything that reads the file has read it.
        """
        for key, reason in self.ledger.unread(self.data, skip):
            raise ConfigError(self.path, key, reason)

    def _get(self, name: str, default: Any, opened: bool = False) -> Any:
        self.ledger.take(self.prefix, name, opened)
        if name in self.data:
            return self.data[name]
        if isinstance(default, Required):
            unread = [k for k in self.data if k != name]
            close = close_names(name, unread)
            hint = f"; is {close[0]} a misspelling of it?" if close else ""
            raise self.error(name, f"is missing{hint}")
        return default

    def names(self, max_count: int = MAX_TABLES) -> list[str]:
        """The keys of a table whose keys are names the config chooses (APIDs, loads, ...).

        The reader then reads each with a getter; that is what takes it.
        """
        if len(self.data) > max_count:
            raise ConfigError(
                self.path, self.prefix, f"has {len(self.data)} keys; at most {max_count}"
            )
        return list(self.data)

    def table_names(self) -> list[str]:
        """The keys that hold tables (`[subsystems.power]` gives `power`)."""
        return [k for k, v in self.data.items() if isinstance(v, Mapping)]

    def section(self, name: str, default: Any = REQUIRED) -> Section:
        """The table `name`, read key by key; `default` (a mapping) when it is absent."""
        value = self._get(name, default, opened=True)
        return Section(value, self.path, self.key(name), self.ledger)

    def sections(self, name: str, max_count: int = MAX_TABLES) -> list[Section]:
        """An array of tables (`[[name]]`), possibly empty."""
        value = self._get(name, [], opened=True)
        if not isinstance(value, list):
            raise self.error(name, f"expected an array of tables ([[{self.key(name)}]])")
        if len(value) > max_count:
            raise self.error(name, f"has {len(value)} tables; at most {max_count}")
        return [
            Section(item, self.path, f"{self.key(name)}[{i}]", self.ledger)
            for i, item in enumerate(value)
        ]

    def value(self, name: str, default: Any = REQUIRED) -> Any:
        """A value taken as written, of any type; its reader checks it."""
        return self._get(name, default)

    def mapping(self, name: str, default: Any = REQUIRED) -> dict[str, Any]:
        """A table taken whole, its keys free (a command's arguments); its reader checks it."""
        value = self._get(name, default)
        if not isinstance(value, Mapping):
            raise self.error(name, f"expected a table, found {_shown(value)}")
        return dict(value)

    def str_list(
        self,
        name: str,
        default: Any = REQUIRED,
        max_items: int = MAX_LIST_ITEMS,
        max_chars: int = NAME_CHARS,
        what: str = "names",
    ) -> tuple[str, ...]:
        """A list of non-empty strings of at most `max_chars` (`what` names them in refusals)."""
        value = self._get(name, default)
        if (
            not isinstance(value, list | tuple)
            or not all(isinstance(v, str) and 0 < len(v) <= max_chars for v in value)
            or len(value) > max_items
        ):
            raise self.error(
                name,
                f"expected a list of at most {max_items} {what} (each 1 to {max_chars} "
                f"characters), found {_shown(value)}",
            )
        return tuple(value)

    # The typed getters come last: their names shadow the built-in types in the class body,
    # so annotations after them would name the methods (`builtins.float` says which is meant).

    def float(
        self,
        name: str,
        default: builtins.float | Required,
        minimum: builtins.float,
        maximum: builtins.float,
        unit: str = "",
    ) -> builtins.float:
        """A number in [minimum, maximum] (an integer is taken as a float); never NaN or ±inf."""
        value = self._get(name, default)
        return self._number(name, value, minimum, maximum, unit)

    def _number(
        self,
        name: str,
        value: Any,
        minimum: builtins.float,
        maximum: builtins.float,
        unit: str,
    ) -> builtins.float:
        in_unit = f" {unit}" if unit else ""
        if isinstance(value, bool) or not isinstance(value, int | builtins.float):
            raise self.error(
                name, f"expected a number{' in ' + unit if unit else ''}, found {_shown(value)}"
            )
        if isinstance(value, builtins.float) and not math.isfinite(value):
            raise self.error(
                name, f"expected a finite number{' in ' + unit if unit else ''}, found {value}"
            )
        if value < minimum:
            raise self.error(name, f"expected at least {minimum:g}{in_unit}, found {value:g}")
        if value > maximum:
            raise self.error(name, f"expected at most {maximum:g}{in_unit}, found {value:g}")
        return builtins.float(value)

    def vector(
        self,
        name: str,
        length: builtins.int,
        default: Any,
        minimum: builtins.float,
        maximum: builtins.float,
        unit: str = "",
    ) -> tuple[builtins.float, ...]:
        """A list of `length` numbers, each in [minimum, maximum]."""
        value = self._get(name, default)
        if not isinstance(value, list | tuple) or len(value) != length:
            raise self.error(
                name,
                f"expected a list of {length} numbers{' in ' + unit if unit else ''}, "
                f"found {_shown(value)}",
            )
        return tuple(
            self._number(f"{name}[{i}]", item, minimum, maximum, unit)
            for i, item in enumerate(value)
        )

    def float_list(
        self,
        name: str,
        default: Any,
        minimum: builtins.float,
        maximum: builtins.float,
        unit: str = "",
        max_items: builtins.int = MAX_LIST_ITEMS,
    ) -> tuple[builtins.float, ...]:
        """A list of at most `max_items` numbers, each in [minimum, maximum]."""
        value = self._get(name, default)
        if not isinstance(value, list | tuple) or len(value) > max_items:
            raise self.error(
                name,
                f"expected a list of at most {max_items} numbers"
                f"{' in ' + unit if unit else ''}, found {_shown(value)}",
            )
        return tuple(
            self._number(f"{name}[{i}]", item, minimum, maximum, unit)
            for i, item in enumerate(value)
        )

    def int(
        self,
        name: str,
        default: builtins.int | Required,
        minimum: builtins.int,
        maximum: builtins.int,
        unit: str = "",
    ) -> builtins.int:
        """A whole number in [minimum, maximum]."""
        value = self._get(name, default)
        in_unit = f" {unit}" if unit else ""
        if isinstance(value, bool) or not isinstance(value, builtins.int):
            of_unit = f" of {unit}" if unit else ""
            raise self.error(name, f"expected a whole number{of_unit}, found {_shown(value)}")
        if value < minimum:
            raise self.error(name, f"expected at least {minimum}{in_unit}, found {value}")
        if value > maximum:
            raise self.error(name, f"expected at most {maximum}{in_unit}, found {value}")
        return value

    def bool(self, name: str, default: builtins.bool | Required = REQUIRED) -> builtins.bool:
        value = self._get(name, default)
        if not isinstance(value, builtins.bool):
            raise self.error(name, f"expected true or false, found {_shown(value)}")
        return value

    def str(
        self,
        name: str,
        default: builtins.str | Required = REQUIRED,
        choices: tuple[builtins.str, ...] = (),
        max_chars: builtins.int = NAME_CHARS,
    ) -> builtins.str:
        """A string of at most `max_chars` characters (a name unless said), one of `choices`."""
        value = self._get(name, default)
        if not isinstance(value, builtins.str):
            raise self.error(name, f"expected a string, found {_shown(value)}")
        if choices and value not in choices:
            raise self.error(name, f"expected one of {', '.join(choices)}, found {value!r}")
        if len(value) > max_chars:
            raise self.error(name, f"expected at most {max_chars} characters, found {len(value)}")
        return value


def _shown(value: Any) -> str:
    """A value as a refusal quotes it: its repr, cut short (a refusal is one line)."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."
