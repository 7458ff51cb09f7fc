"""Who may use the spacecraft's sim port and truth feed: the ground and the test conductors.

The sim port is the test harness' umbilical (faults, the clock, resets, shutdown), so it admits
the ground's key and the keys the operators file gives the `test-conductor` role, read again
whenever the file changes. Without an access folder (`flightsw --access`) both sockets are open
to any local process, which the log says at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flightsw.config.access import (
    GROUND,
    SPACECRAFT,
    AccessFolder,
    Certificate,
    OperatorsWatch,
    Role,
)

UNNAMED = "a sim-port client"


@dataclass(frozen=True, slots=True)
class SimPortAccess:
    """The spacecraft's certificate, and whom its sim port and truth feed admit."""

    certificate: Certificate
    ground_key: bytes
    operators: OperatorsWatch

    def admits(self, key: bytes) -> bool:
        """Whether a client with this public key (Z85) may connect."""
        return key == self.ground_key or self._test_conductor(key) is not None

    def name(self, key: bytes | None, identity: bytes) -> str | None:
        """The requester as the truth feed names its injections: a test conductor by their
        name, the ground by the identity it gives its socket (`ground-PID`, so that it knows
        its own); None for a key no longer admitted (revoked since it connected)."""
        if key is None:
            return None
        if key == self.ground_key:
            return readable(identity) or GROUND
        return self._test_conductor(key)

    def _test_conductor(self, key: bytes) -> str | None:
        operator = self.operators.current().who(key)
        return (
            operator.name if operator is not None and operator.role is Role.TEST_CONDUCTOR else None
        )


def read_sim_access(folder: Path) -> SimPortAccess:
    """The sim port's access from the access folder.

    Raises:
        ConfigError: a certificate or the operators file is missing or unusable.
    """
    access = AccessFolder(folder)
    operators = OperatorsWatch.of(access.operators_path)
    return SimPortAccess(access.own(SPACECRAFT), access.public(GROUND), operators)


def readable(identity: bytes) -> str | None:
    """A socket identity as text, if it is short printable ASCII (one set by a client)."""
    name = identity.decode("ascii", "replace")
    return name if 0 < len(name) <= 64 and name.isprintable() and name.isascii() else None
