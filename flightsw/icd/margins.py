"""Margins both sides of the link must agree on, stated once."""

from __future__ import annotations

RELEASE_MARGIN_S = 1.0
"""A time-tagged command (TC[11,4]) must reach the schedule at least this long before its release
time; the spacecraft refuses one that does not, and the ground checks it before uplink."""

MAX_STEP_S = 30 * 86_400.0
"""The longest single step of a stepped clock the sim port takes, in mission seconds."""

MAX_CLOCK_RATE = 1e6
"""The fastest realtime clock rate a client may ask for (mission seconds per wall second): a
year of mission time in half a minute. A faster one would have the spacecraft owe more ticks
than it can ever fly, and stop answering."""

MAX_AHEAD_S = 86_400.0
"""How far after the receiver's mission time a time on the link may lie: an uplink envelope's
arrival time at the spacecraft, a telemetry frame's generation time at the ground. The ground
sends a telecommand at its mission time plus the one-way light time (at most an hour, the bound
of `--light-time-s`; Mars is under 23 minutes) plus its transmitter's backlog, and the ground's
clock follows the spacecraft's by a tick or two; a day holds all of it with a wide margin, and
bounds how long a forged time can keep a frame waiting."""

REFUSAL_SUMMARY_INTERVAL_S = 60.0
"""Refusals are reported (an event, a log line, an archived frame) in full for the first of each
reason in a window of this many mission seconds; the rest are counted and told in one summary
per window (docs/icd.md, "Frames refused")."""

MAX_MESSAGE_OCTETS = 1 << 20
"""The largest ZeroMQ message part any receiving socket of either process takes (1 MiB). A space
packet is at most 65 542 octets, a downlink message at most this many octets of transfer frames
(the spacecraft splits a bigger batch, `flightsw.icd.transfer_frame.Framer.messages`), and a
sim-port or control request far less; a longer part is refused by ZeroMQ itself, which drops the
sender's connection without passing anything on."""

RECEIVE_QUEUE_MESSAGES = 100_000
"""Messages ZeroMQ holds for one sender on a receiving socket (its receive high-water mark): a
sender that outpaces the receiver waits (or, sending without blocking, drops), and the receiver's
memory stays bounded whoever sends."""

DOWNLINK_QUEUE_MESSAGES = 10_000
"""Downlink messages queued on either side of the downlink socket (the spacecraft's send and the
ground's receive high-water marks). A message is a tick's packets in transfer frames, about 10 kB
for the station, so 10 000 of them are about 100 MB (and 10 000 ticks, near three hours of the
station's telemetry, 170 s of wall time at 60x); past it a realtime spacecraft drops what the
ground cannot take, counted, and its recorder keeps it."""
