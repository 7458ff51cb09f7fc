"""Packets sent down to a ground service as the spacecraft sends them: in transfer frames."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from flightsw.icd import Framer, peek_tm_time_s
from ground.process.service import GroundService

_FRAMERS: WeakKeyDictionary[GroundService, Framer] = WeakKeyDictionary()


def message(framer: Framer, packet: bytes) -> bytes:
    """One downlink message carrying `packet`, sent at the time it claims (0 if none)."""
    return framer.message([packet], peek_tm_time_s(packet) or 0.0)


def down(service: GroundService, *packets: bytes) -> None:
    """Each packet in a message of its own, reaching `service`'s antenna, frames counted on
    from the last message sent to it (so no frame looks lost)."""
    framer = _FRAMERS.setdefault(service, Framer())
    for packet in packets:
        service.on_downlink_message(message(framer, packet))
