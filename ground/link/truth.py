"""Truth intake: decode the spacecraft's truth messages, refuse and count the malformed ones.

A truth message that does not match the ICD (`flightsw.icd.truth`) is dropped, counted under
its reason and logged; under a flood the log says so once per `LOG_EVERY` refusals instead of
once per message. Nothing here ever raises for what came in.
"""

from __future__ import annotations

import logging
from collections import Counter

from flightsw.icd import MessageError, Truth, decode_truth

log = logging.getLogger(__name__)

LOG_EVERY = 1000  # after the first refusal of a reason, one summary line per this many


class TruthIntake:
    """Turn truth payloads into `Truth` messages, keeping the counts the ground's status shows."""

    def __init__(self) -> None:
        self.received = 0
        self.refused = Counter[str]()
        self.last_refusal = ""

    def take(self, payload: bytes) -> Truth | None:
        """The Truth in `payload`, or None (counted and logged) if it is malformed."""
        self.received += 1
        try:
            return decode_truth(payload)
        except MessageError as error:
            self._refuse(error)
            return None

    def _refuse(self, error: MessageError) -> None:
        self.refused[error.reason] += 1
        self.last_refusal = error.detail
        total = sum(self.refused.values())
        if self.refused[error.reason] == 1:
            log.warning("truth message refused (%s): %s", error.reason, error.detail)
        elif total % LOG_EVERY == 0:
            log.warning(
                "%d truth messages refused so far (%s); the latest: %s",
                total,
                ", ".join(f"{reason} {n}" for reason, n in sorted(self.refused.items())),
                error.detail,
            )

    def counters(self) -> dict[str, object]:
        return {
            "received": self.received,
            "refused": sum(self.refused.values()),
            "refused_by_reason": dict(self.refused),
            "last_refusal": self.last_refusal,
        }
