"""Truth intake: decode the spacecraft's truth messages, refuse and count the malformed ones.

A truth message that does not match the ICD (`flightsw.icd.truth`) is dropped, counted under
its reason and logged; under a flood the log says the first of each reason in a window of
mission time, then how many more (`flightsw.icd.reporting`). Nothing here ever raises for what
came in.
"""

from __future__ import annotations

import logging

from flightsw.icd import MessageError, RefusalReporter, Truth, decode_truth

log = logging.getLogger(__name__)


class TruthIntake:
    """Turn truth payloads into `Truth` messages, keeping the counts the ground's status shows."""

    def __init__(self) -> None:
        self.received = 0
        self.refusals = RefusalReporter()
        self.last_refusal = ""

    def take(self, payload: bytes, now_s: float = 0.0) -> Truth | None:
        """The Truth in `payload`, or None (counted and logged) if it is malformed; `now_s` is
        the ground's mission time, which paces the log."""
        self.received += 1
        self._summarise(now_s)
        try:
            return decode_truth(payload)
        except MessageError as error:
            self.refuse(error.reason, error.detail, now_s)
            return None

    def refuse(self, reason: str, detail: str, now_s: float) -> None:
        """Count a truth message refused under `reason` (here, or by the runtime)."""
        self.last_refusal = detail
        if self.refusals.admit(reason, now_s):
            log.warning("truth message refused (%s): %s", reason, detail)

    def _summarise(self, now_s: float) -> None:
        summary = self.refusals.summary(now_s)
        if summary is not None:
            log.warning(
                "truth messages refused: %s; the latest: %s", summary.text(), self.last_refusal
            )

    def counters(self) -> dict[str, object]:
        return {
            "received": self.received,
            "refused": self.refusals.total,
            "refused_by_reason": dict(self.refusals.counts),
            "last_refusal": self.last_refusal,
        }
