"""The run archive: one SQLite file per run, written in batches, queried by mission time.

It imports nothing of the rest of the ground: rules, commanding and the service write to it.
Rows it cannot write are held (`held`) and, if the writer must stop, spilled (`spill`).
"""

from ground.archive.held import DEFAULT_HOLD, HeldSummary, HoldLimit, WriteFailure
from ground.archive.schema import (
    AlarmRecord,
    AuditRecord,
    CommandRecord,
    EventRecord,
    InjectionRecord,
    MetaValue,
    VerificationRecord,
    open_file,
)
from ground.archive.spill import SpillLoaded, import_spill, load_spills, spills_of, write_spill
from ground.archive.store import DEFAULT_BATCH_ROWS, Archive, default_run_name

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "DEFAULT_HOLD",
    "AlarmRecord",
    "Archive",
    "AuditRecord",
    "CommandRecord",
    "EventRecord",
    "HeldSummary",
    "HoldLimit",
    "InjectionRecord",
    "MetaValue",
    "SpillLoaded",
    "VerificationRecord",
    "WriteFailure",
    "default_run_name",
    "import_spill",
    "load_spills",
    "open_file",
    "spills_of",
    "write_spill",
]
