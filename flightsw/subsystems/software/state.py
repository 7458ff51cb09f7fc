"""Software state: running and previous versions, the upload session and the onboard log."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Upload:
    """One upload session: what is expected and what has arrived."""

    target: str
    version: str
    size_bytes: int
    crc32: int  # expected, from the ground
    chunk_size: int
    chunks: tuple[bytes, ...] = ()  # as stored (a corrupted_chunk fault flips a byte here)
    bytes_received: int = 0
    crc32_received: int = 0  # zlib.crc32 over `chunks`, kept running

    def expected_length(self) -> int:
        """Octets the next chunk must carry: a full chunk, or what is left for the last one."""
        return min(self.chunk_size, self.size_bytes - self.bytes_received)


@dataclass(frozen=True, slots=True)
class SoftwareState:
    """Running and previous version per application, the upload session and the onboard log."""

    versions: tuple[tuple[str, str], ...]  # target -> running version
    previous_versions: tuple[tuple[str, str], ...]  # target -> version to roll back to
    status: str = "idle"
    upload: Upload | None = None
    log: tuple[tuple[float, str], ...] = ()  # (mission time s, text), oldest first
    time_s: float = 0.0  # end of the last step: commands have no clock of their own
    updates_applied: int = 0
    updates_rejected: int = 0
    rollbacks: int = 0
    corrupt_next_chunk: bool = False
    fail_next_activation: bool = False
