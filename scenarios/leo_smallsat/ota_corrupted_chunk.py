"""Software update with a corrupted chunk: the image is rejected, thermal 1.0.0 runs on, a retransmission installs 1.1.0.

A 2 KiB patch of the thermal application (version 1.1.0) goes up in eight 256-octet chunks,
each its own telecommand. Midway, a memory upset flips one octet of chunk 3 as it is stored:
the telecommand itself was sound, so every chunk is accepted and completed. The software
application keeps a running CRC-32 over what it stored; on its next 10 s step it finds the
complete image does not match the CRC-32 the ground announced, discards it (update_rejected)
and the ground's verify fails with EXECUTION_FAILED. Nothing was activated: thermal 1.0.0 keeps
running and reporting. A stored chunk cannot be replaced (a repeat of the last index is
ignored), so the ground drops the session and sends the whole image again; this time verify
passes, and activation restarts the thermal application into 1.1.0 without a gap in its
housekeeping or a jump in its temperatures.
"""

import hashlib
import zlib
from itertools import pairwise

from ground.testkit import HilFailure, at_least, close_to, greater_than

MISSION = "leo_smallsat"

# A deterministic image: 64 hex digits per SHA-256 block, 32 blocks = 2048 octets.
IMAGE = b"".join(
    hashlib.sha256(b"thermal 1.1.0 block %d" % block).hexdigest().encode() for block in range(32)
)
CHUNK = 256
CHUNKS = [IMAGE[start : start + CHUNK] for start in range(0, len(IMAGE), CHUNK)]
CORRUPTED = 3  # the chunk the upset hits
VERSION = "1.1.0"
HK_PERIOD_S = 10.0
SOFTWARE_STEP_S = 10.0  # [subsystems.software] tick_period_s: the onboard CRC check runs then
COMMAND_S = 30.0  # a LEO pass: a 10 ms round trip, a command runs on the next 1 s tick


def run(hil):
    start_s = hil.now_s

    with hil.step("Before the update: thermal 1.0.0 runs, no upload session is open"):
        hil.wait_check("software.status == 'idle'", within=2 * HK_PERIOD_S)
        hil.check("software.thermal_version == '1.0.0'")
        hil.check("software.thermal_previous_version == ''")
        hil.check("software.updates_applied == 0")
        hil.assert_no_alarms()

    with hil.step("Upload thermal 1.1.0: open the session and send the first chunks"):
        _begin(hil)
        _send_chunks(hil, range(CORRUPTED))
        hil.await_telemetry("software.chunks_received", CORRUPTED, within=2 * HK_PERIOD_S)

    with hil.step("A memory upset corrupts chunk 3 as it is stored; the upload carries on"):
        upset_s = hil.inject_fault("software", "corrupted_chunk")
        _send_chunks(hil, range(CORRUPTED, len(CHUNKS)))  # every telecommand is still sound
        hil.assert_event("software.upload_complete", since=upset_s)

    with hil.step("The onboard CRC check rejects the image; the ground's verify fails"):
        # The check runs on the software application's next step, reported 10 s later at most.
        hil.await_telemetry("software.status", "rejected", within=SOFTWARE_STEP_S + HK_PERIOD_S)
        rejected = hil.assert_event("software.update_rejected", since=upset_s)
        hil.note(rejected.message)
        hil.check("software.progress_pct == 100.0")  # all of it arrived, and all was discarded
        hil.check("software.updates_rejected == 1")
        hil.check("software.faults_active == 0")  # the upset hit once and is spent
        # A refusal is expected: wait for the onboard count of failed telecommands to move,
        # then read the verify command's own verification.
        failed_before = hil.tlm("executive.tc_failed")
        verify = hil.send_command("software.verify")
        hil.await_telemetry(
            "executive.tc_failed", greater_than(failed_before), within=COMMAND_S + HK_PERIOD_S
        )
        outcome = hil.command(verify)
        if outcome.status != "failed" or outcome.error != "EXECUTION_FAILED":
            raise HilFailure(f"verify of a corrupt image: {outcome}; expected EXECUTION_FAILED")
        hil.note(f"verify {outcome.status} ({outcome.error}): {outcome.reason}")

    with hil.step("Nothing was activated: thermal 1.0.0 runs on and keeps reporting"):
        hil.check("software.thermal_version == '1.0.0'")
        hil.check("software.thermal_previous_version == ''")
        hil.check("software.updates_applied == 0")
        hil.assert_no_event("software.activation_started", since=start_s)
        hil.assert_no_event("thermal.actor_rebooted", since=start_s)
        after_s = hil.now_s
        hil.await_telemetry_count("thermal.avionics_temp_c", at_least(2), within=3 * HK_PERIOD_S)
        hil.assert_telemetry_count("software.thermal_version", 0, "1.1.0", since=start_s)
        hil.note(f"thermal housekeeping still flowing after T+{after_s:.0f} s")

    with hil.step("Retransmit: drop the rejected session and send the whole image again"):
        hil.send_and_await_completion("software.abort", within=COMMAND_S)
        hil.await_telemetry("software.status", "idle", within=2 * HK_PERIOD_S)
        _begin(hil)
        _send_chunks(hil, range(len(CHUNKS)))
        hil.await_telemetry("software.status", "complete", within=2 * HK_PERIOD_S)
        verified_s = hil.now_s
        hil.send_and_await_completion("software.verify", within=COMMAND_S)
        hil.assert_event("software.update_verified", since=verified_s)
        hil.await_telemetry("software.status", "verified", within=2 * HK_PERIOD_S)
        hil.check("software.updates_rejected == 1")  # only the first attempt

    with hil.step("Activate: the thermal application restarts into 1.1.0 and flies on"):
        before = hil.tlm_sample("thermal.avionics_temp_c")
        activated_s = hil.now_s
        hil.send_and_await_completion("software.activate", within=COMMAND_S, confirm=True)
        # The next software step confirms the restart, reported 10 s later at most.
        hil.await_telemetry("software.status", "active", within=SOFTWARE_STEP_S + HK_PERIOD_S)
        hil.assert_event_sequence(
            ["software.activation_started", "thermal.actor_rebooted", "software.update_active"],
            since=activated_s,
        )
        hil.check("software.thermal_version == '1.1.0'")
        hil.check("software.thermal_previous_version == '1.0.0'")  # the rollback target
        hil.check("software.updates_applied == 1")
        # The restart kept the thermal state: its housekeeping goes on, temperatures continuous.
        hil.await_telemetry_count("thermal.avionics_temp_c", at_least(3), within=4 * HK_PERIOD_S)
        after = hil.tlm_sample("thermal.avionics_temp_c")
        samples = hil.history("thermal.avionics_temp_c", since=before.time_s)
        worst_s = max(b.time_s - a.time_s for a, b in pairwise(samples))
        if worst_s > HK_PERIOD_S:
            raise HilFailure(f"thermal housekeeping stopped for {worst_s:g} s across the restart")
        hil.assert_telemetry_count(
            "thermal.avionics_temp_c",
            0,
            ~close_to(round(before.value, 2), 0.5),
            since=before.time_s,
        )
        hil.note(f"avionics {before.value:.2f} C before, {after.value:.2f} C after the restart")
        hil.assert_no_alarms()


def _begin(hil):
    """Open an upload session for thermal 1.1.0, announcing its size and CRC-32."""
    hil.send_and_await_completion(
        "software.begin",
        {
            "target": "thermal",
            "version": VERSION,
            "size_bytes": len(IMAGE),
            "crc32": zlib.crc32(IMAGE),
            "chunk_size": CHUNK,
        },
        within=COMMAND_S,
    )
    hil.await_telemetry("software.status", "uploading", within=2 * HK_PERIOD_S)


def _send_chunks(hil, indices):
    """Uplink the chunks back to back, then verify each one completed on board."""
    commands = [
        hil.send_command("software.chunk", {"index": i, "data": CHUNKS[i]}) for i in indices
    ]
    for command in commands:
        hil.await_command(command, within=COMMAND_S)
