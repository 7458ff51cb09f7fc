"""The onboard recorder: every telemetry frame kept in a bounded store, oldest overwritten."""

from __future__ import annotations

from collections import deque


class Recorder:
    """Frames with their generation time, in the order sent; not thread-safe (the downlink owns it)."""

    def __init__(self, capacity_frames: int) -> None:
        self.capacity = capacity_frames
        self._frames: deque[tuple[float, bytes]] = deque(maxlen=capacity_frames)
        self.overwritten = 0

    def __len__(self) -> int:
        return len(self._frames)

    def store(self, time_s: float, frame: bytes) -> None:
        if len(self._frames) == self.capacity:
            self.overwritten += 1
        self._frames.append((time_s, frame))

    def window(self, start_s: float, end_s: float) -> list[bytes]:
        """Frames generated in [start_s, end_s], oldest first."""
        return [frame for time_s, frame in self._frames if start_s <= time_s <= end_s]

    def delete_before(self, before_s: float) -> int:
        deleted = 0
        while self._frames and self._frames[0][0] < before_s:
            self._frames.popleft()
            deleted += 1
        return deleted

    def status(self) -> dict[str, float | int | None]:
        return {
            "stored": len(self._frames),
            "capacity": self.capacity,
            "overwritten": self.overwritten,
            "oldest_s": self._frames[0][0] if self._frames else None,
            "newest_s": self._frames[-1][0] if self._frames else None,
        }
