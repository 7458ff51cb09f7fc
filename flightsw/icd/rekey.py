"""The executive's own TC[8,1] commands: the flight software's, not a subsystem's. In the ICD,
since the ground must know them too (it signs with the new key once `activate_key` completes).

`activate_key` is the rekey of docs/security.md: from the telecommand that carries it on,
telecommands are taken under the named SPI only (one of the keys the spacecraft flies with),
and the choice outlives a restart. It exists when telecommands are authenticated.
"""

from __future__ import annotations

from flightsw.icd.dictionary import ArgSpec, CommandSpec
from flightsw.icd.sdls import MAX_SPI

ACTIVATE_KEY = CommandSpec(
    "activate_key",
    "rekey: take telecommands signed with the key of this SPI only, from now on (the ground "
    "signs with it once this command completes)",
    (ArgSpec("spi", kind="int", minimum=0, maximum=MAX_SPI, description="the key to use"),),
    hazardous=True,
)

AUTHENTICATED_COMMANDS = (ACTIVATE_KEY,)
"""The executive's commands when telecommands are authenticated (none otherwise)."""
