"""Who may use the ground's control API and live feed, and who each request comes from.

With an access folder (`ground --access`, as `mission run` gives it) the control API and the
live feed are CURVE servers admitting the keys of the operators file, and each request is
carried out for the operator its key names, within their role (`Request.needs`). The ground
reaches the spacecraft's sim port and truth feed with its own certificate. Without one, both
sockets are open to any local process and every request counts as `OPEN_API`'s, which the log
says at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flightsw.config import (
    GROUND,
    SPACECRAFT,
    AccessFolder,
    Certificate,
    Operator,
    OperatorsWatch,
    Role,
)

OPEN_API = Operator("anyone", Role.TEST_CONDUCTOR, b"")
"""Who asks on a control API without access control: anyone, able to do anything."""


@dataclass(frozen=True, slots=True)
class GroundAccess:
    """The ground's certificate, the spacecraft's key, and the operators it admits."""

    certificate: Certificate
    spacecraft_key: bytes
    operators: OperatorsWatch

    def admits(self, key: bytes) -> bool:
        """Whether a client with this public key (Z85) may connect."""
        return self.operators.current().who(key) is not None

    def caller(self, key: bytes | None) -> Operator | None:
        """The operator a request's key names; None for a key revoked since it connected."""
        return None if key is None else self.operators.current().who(key)


def read_ground_access(folder: Path) -> GroundAccess:
    """The ground's access from the access folder.

    Raises:
        ConfigError: a certificate or the operators file is missing or unusable.
    """
    access = AccessFolder(folder)
    operators = OperatorsWatch.of(access.operators_path)
    return GroundAccess(access.own(GROUND), access.public(SPACECRAFT), operators)
