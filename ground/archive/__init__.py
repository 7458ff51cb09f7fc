"""The run archive: one SQLite file per run, written in batches, queried by mission time.

It imports nothing of the rest of the ground: rules, commanding and the service write to it.
"""

from ground.archive.schema import (
    AlarmRecord,
    CommandRecord,
    EventRecord,
    InjectionRecord,
    MetaValue,
    VerificationRecord,
    open_file,
)
from ground.archive.store import DEFAULT_BATCH_ROWS, Archive, default_run_name

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "AlarmRecord",
    "Archive",
    "CommandRecord",
    "EventRecord",
    "InjectionRecord",
    "MetaValue",
    "VerificationRecord",
    "default_run_name",
    "open_file",
]
