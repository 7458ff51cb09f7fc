"""Every reason word either process refuses an input with, by the socket it came in on.

A refusal is counted under one of these words (docs/icd.md, "Frames refused", lists each with
its check and who counts it); `tests/flightsw/icd/test_reasons.py` reads the words the code
raises and counts and checks that each is declared here and in that table.
"""

from __future__ import annotations

PACKET = (
    "too_short", "too_long", "bad_version", "no_secondary_header", "bad_sequence_flags",
    "length_mismatch", "bad_crc", "bad_pus_version", "bad_time",
)  # fmt: skip
"""A frame's header, length or CRC is wrong (`flightsw.icd.packet.decode`), on either link."""

BODY = ("unknown_service", "body_too_long", "bad_body")
"""A good frame's service or application data is not as the ICD says (`decode_body`). On the
uplink these are a telecommand's acceptance failures (TM[1,2] with an error code), not frame
refusals."""

UPLINK = ("not_a_telecommand", "bad_envelope", "bad_arrival", "arrival_too_far", "uplink_full")
"""Refused by the spacecraft only: a TM on the uplink, a bad envelope or arrival time, a full
arrival queue."""

SECURITY = (
    "unknown_spi", "bad_mac", "inactive_spi", "replayed", "outside_window", "state_unwritable",
)  # fmt: skip
"""Refused by the spacecraft only, when telecommands are authenticated (flightsw.icd.sdls): a
key it does not have, a MAC that is not the key's over the frame, a key that is not the active
one (a rekey chose another), a sequence number already taken or too far ahead of the last one
taken, or an anti-replay state that cannot be stored (nothing is taken that a restart would
not know of)."""

TRANSFER_FRAME = (
    "bad_frame_length", "bad_frame_crc", "bad_frame_header", "bad_first_header_pointer",
)  # fmt: skip
"""A downlink message or transfer frame is not as the ICD says (`flightsw.icd.transfer_frame`):
not whole frames, a wrong FECF, a header not this link's, a first header pointer off the end."""

DOWNLINK = (
    "not_telemetry", "unknown_apid", "wrong_application", "unknown_parameter", "time_ahead",
    "in_flight_full",
)  # fmt: skip
"""Refused by the ground only: a TC on the downlink, an APID or parameter the dictionary does
not have, a report on another application's APID, a time too far ahead, a full delay line."""

MESSAGE = (
    "not_msgpack",
    "wrong_type",
    "missing_field",
    "out_of_range",
    "bad_value",
    "unknown_kind",
)
"""A truth message or a sim-port request does not decode (`flightsw.icd.refusals`)."""

TRUTH = ("truth_backlog",)
"""Refused by the ground's truth intake only: too many truth messages already wait for frames."""

SIM = ("declined", "defect")
"""A sim-port request that decoded but was not carried out: the spacecraft said why
(`declined`: the wrong clock, an unknown subsystem or fault), or failed inside (`defect`)."""

BY_SOCKET: dict[str, tuple[str, ...]] = {
    "uplink": PACKET + UPLINK + SECURITY,
    "downlink": TRANSFER_FRAME + PACKET + BODY + DOWNLINK,
    "truth": MESSAGE + TRUTH,
    "sim": MESSAGE + SIM,
}
"""The reasons each receiver counts (the control API's are the ground's: `ground.api`)."""

ALL = frozenset(
    TRANSFER_FRAME + PACKET + BODY + UPLINK + SECURITY + DOWNLINK + MESSAGE + TRUTH + SIM
)
