"""Software's housekeeping parameters, each declared once with how it is read.

The two version parameters of every target look it up in the state's version tables;
`SoftwareReading` turns both into dicts once per report rather than once per lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from flightsw.subsystems.software.state import SoftwareState, Upload
from flightsw.subsystems.telemetry import TelemetryPoint, point


@dataclass(frozen=True, slots=True)
class SoftwareReading:
    """What software's telemetry points read: the state and its version tables as dicts."""

    state: SoftwareState
    versions: dict[str, str]
    previous_versions: dict[str, str]

    @classmethod
    def of(cls, state: SoftwareState) -> SoftwareReading:
        """The reading of `state`, its two version tables turned into dicts."""
        return cls(state, dict(state.versions), dict(state.previous_versions))


def chunks_received(upload: Upload | None) -> int:
    """Chunks stored so far (counted from the bytes: the image may be dropped once done)."""
    if upload is None:
        return 0
    return -(-upload.bytes_received // upload.chunk_size)


def progress_pct(upload: Upload | None) -> float:
    """Bytes received over the image size, in percent (0 without a session)."""
    return 100.0 * upload.bytes_received / upload.size_bytes if upload else 0.0


def faults_active(state: SoftwareState) -> int:
    """Injected faults armed: a chunk to corrupt, an activation to fail."""
    return int(state.corrupt_next_chunk) + int(state.fail_next_activation)


POINTS: tuple[TelemetryPoint[SoftwareReading], ...] = (
    point("status", "", "idle, uploading, complete, verified, rejected, ...",
          lambda r: r.state.status, "str"),
    point("target", "", "application of the current session, or empty",
          lambda r: r.state.upload.target if r.state.upload else "", "str"),
    point("bytes_received", "B", "image octets stored in this session",
          lambda r: r.state.upload.bytes_received if r.state.upload else 0, "int"),
    point("chunks_received", "", "chunks stored in this session",
          lambda r: chunks_received(r.state.upload), "int"),
    point("progress_pct", "%", "bytes received over the image size",
          lambda r: progress_pct(r.state.upload)),
    point("updates_applied", "", "versions activated since mission start",
          lambda r: r.state.updates_applied, "int"),
    point("updates_rejected", "", "images discarded for a CRC mismatch",
          lambda r: r.state.updates_rejected, "int"),
    point("rollbacks", "", "returns to a previous version, commanded or automatic",
          lambda r: r.state.rollbacks, "int"),
    point("last_log", "", "newest onboard log entry",
          lambda r: r.state.log[-1][1] if r.state.log else "", "str"),
    point("faults_active", "", "number of injected faults armed",
          lambda r: faults_active(r.state), "int"),
)  # fmt: skip


def target_points(target: str) -> tuple[TelemetryPoint[SoftwareReading], ...]:
    """The running and the rollback version of one target application."""
    return (
        point(f"{target}_version", "", f"running {target} version",
              lambda r: r.versions[target], "str"),
        point(f"{target}_previous_version", "", f"{target} rollback version",
              lambda r: r.previous_versions[target], "str"),
    )  # fmt: skip
