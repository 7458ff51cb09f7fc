"""Onboard software update (OTA): upload an application image in chunks, check it, switch to it.

One upload session at a time, for one target application (another subsystem's actor):

    idle ──begin──▶ uploading ──last chunk──▶ complete ──verify──▶ verified ──activate──▶
    activating ──next step──▶ active            (rollback: rolled_back; abort: idle)
                                complete ──CRC mismatch──▶ rejected

Chunks arrive in order: `index` must be the next one; a repeat of the previous index (a
retransmitted TC whose acknowledgement was lost) is ignored, a gap is refused. Every chunk but
the last carries exactly `chunk_size` octets. The CRC-32 (zlib.crc32, the ISO-HDLC polynomial)
runs over the stored chunks as they arrive, so checking the image costs nothing at the end.

`verify` reports a CRC mismatch as EXECUTION_FAILED. A refused command cannot change the state,
so the onboard check that discards a bad image runs on the next step: a complete image whose CRC
does not match becomes `rejected` then, whether or not the ground asked. Approving an image is the
ground's call (`verify`); discarding a corrupt one is safe to do alone.

`activate` writes the verified image to the target's standby bank (`staged`), switches the
running version and asks the executive to restart the target's actor (Request "restart"); the
status stays `activating` until the next step confirms the restart (`active`). Each target keeps
its previous version, so `rollback` swaps back to it (and again to undo the rollback) with
another restart. A session's image bytes are dropped once it is activated or rejected.

Keys of `[subsystems.software]` (all optional):

    targets = ["navigation", "power", "thermal", "comms", "propulsion", "payload", "life_support"]
    log_length = 50          # onboard log entries kept
    [subsystems.software.versions]
    navigation = "1.0.0"     # running version at mission start, "1.0.0" for any not listed
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from flightsw.config.ledger import suggest
from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Outcome, Request, Subsystem
from flightsw.subsystems.events import event
from flightsw.subsystems.software.state import SoftwareState, Upload
from flightsw.subsystems.software.telemetry import (
    POINTS,
    SoftwareReading,
    chunks_received,
    target_points,
)

TARGETS = ("navigation", "power", "thermal", "comms", "propulsion", "payload", "life_support")
INITIAL_VERSION = "1.0.0"
NO_VERSION = ""  # previous version of an application never updated
MAX_IMAGE_BYTES = 10_000_000
MAX_CHUNK_BYTES = 32_768
CRC32_MAX = 2**32 - 1
# Statuses while a session holds the uploader; `begin` is refused in these.
BUSY = ("uploading", "complete", "verified", "activating")
SWITCHED = ("activating", "active")  # the session's version is running (or restarting into it)


class SoftwareModel(Subsystem[SoftwareState]):
    """Uploads, checks, activates and rolls back application images for the other subsystems."""

    name: ClassVar[str] = "software"
    faults: tuple[FaultSpec, ...] = (
        FaultSpec(
            "corrupted_chunk",
            "The next chunk received is stored with one byte flipped (its CRC check then fails)",
        ),
        FaultSpec(
            "failed_activation",
            "The next activated version does not come up: the old one is restored automatically",
        ),
    )

    def __init__(
        self,
        context: MissionContext,
        targets: tuple[str, ...] = TARGETS,
        versions: tuple[tuple[str, str], ...] = (),
        log_length: int = 50,
    ) -> None:
        self.context = context
        self.targets = targets
        self.versions = {target: INITIAL_VERSION for target in targets} | dict(versions)
        self.log_length = log_length
        target_arg = ArgSpec("target", "enum", choices=targets, description="application")
        # The targets come from the config, so the command and telemetry lists are per instance.
        self.commands = (
            CommandSpec(
                "begin",
                "Open an upload session for a new version of an application",
                (
                    target_arg,
                    ArgSpec("version", "str", description="version of the new image"),
                    ArgSpec("size_bytes", "int", "B", 1, MAX_IMAGE_BYTES),
                    ArgSpec("crc32", "int", "", 0, CRC32_MAX, description="zlib.crc32 of it"),
                    ArgSpec("chunk_size", "int", "B", 16, MAX_CHUNK_BYTES),
                ),
            ),
            CommandSpec(
                "chunk",
                "Store the next chunk of the image (a repeat of the previous one is ignored)",
                (
                    ArgSpec("index", "int", "", 0, MAX_IMAGE_BYTES),
                    ArgSpec("data", "bytes", "B", maximum=MAX_CHUNK_BYTES),
                ),
            ),
            CommandSpec("verify", "Check the CRC-32 of the complete image"),
            CommandSpec(
                "activate",
                "Switch the target to the verified image and restart its application",
                hazardous=True,
            ),
            CommandSpec(
                "rollback",
                "Return an application to its previous version and restart it",
                (target_arg,),
                hazardous=True,
            ),
            CommandSpec("abort", "Drop the upload session and its image"),
        )
        self.telemetry_points = POINTS + tuple(p for t in targets for p in target_points(t))

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> SoftwareModel:
        """Read `[subsystems.software]`; every key has a default."""
        targets = section.str_list("targets", TARGETS, what="subsystem names")
        if not targets:
            raise section.error("targets", 'expected a list of subsystem names, e.g. ["power"]')
        if len(set(targets)) != len(targets):
            raise section.error("targets", f"names a target twice: {list(targets)}")
        table = section.section("versions", {})
        for target in table.names():
            if target not in targets:
                raise table.error(target, f"is not a target; {suggest(target, targets, 'targets')}")
        versions = tuple((target, table.str(target)) for target in table.names())
        return cls(
            context,
            targets=targets,
            versions=versions,
            log_length=section.int("log_length", 50, minimum=1, maximum=10_000, unit="entries"),
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> SoftwareState:
        return SoftwareState(
            versions=tuple((target, self.versions[target]) for target in self.targets),
            previous_versions=tuple((target, NO_VERSION) for target in self.targets),
        )

    def step(
        self, state: SoftwareState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[SoftwareState]:
        state = replace(state, time_s=time_s + dt_s)
        upload = state.upload
        if upload is None:
            return Outcome(state)
        if state.status == "complete" and upload.crc32_received != upload.crc32:
            text = f"{upload.target} {upload.version} rejected: {_crc_mismatch(upload)}"
            state = self._log(state, text)
            new = replace(
                state,
                status="rejected",
                upload=replace(upload, chunks=()),
                updates_rejected=state.updates_rejected + 1,
            )
            rejected = event("update_rejected", Severity.MEDIUM, text, target=upload.target)
            return Outcome(new, (rejected,))
        if state.status == "activating":
            # The executive restarted the target after the tick that carried the request.
            text = f"{upload.target} {upload.version} active"
            state = self._log(replace(state, status="active"), text)
            return Outcome(state, (event("update_active", Severity.INFO, text, **_ids(upload)),))
        return Outcome(state)

    def telemetry_source(self, state: SoftwareState) -> SoftwareReading:
        return SoftwareReading.of(state)

    def execute(
        self, state: SoftwareState, command: str, args: Mapping[str, Any]
    ) -> Outcome[SoftwareState]:
        if command == "begin":
            return self._begin(state, args)
        if command == "chunk":
            return self._chunk(state, args["index"], args["data"])
        if command == "verify":
            return self._verify(state)
        if command == "activate":
            return self._activate(state)
        if command == "rollback":
            return self._rollback(state, args["target"])
        if command == "abort":
            return self._abort(state)
        return super().execute(state, command, args)

    def inject(self, state: SoftwareState, fault: str, params: Mapping[str, Any]) -> SoftwareState:
        if fault == "corrupted_chunk":
            return replace(state, corrupt_next_chunk=True)
        if fault == "failed_activation":
            return replace(state, fail_next_activation=True)
        raise FaultError(f"software has no fault {fault!r}")

    def clear(self, state: SoftwareState, fault: str) -> SoftwareState:
        if fault == "corrupted_chunk":
            return replace(state, corrupt_next_chunk=False)
        if fault == "failed_activation":
            return replace(state, fail_next_activation=False)
        raise FaultError(f"software has no fault {fault!r}")

    # -- commands ------------------------------------------------------------------------------

    def _begin(self, state: SoftwareState, args: Mapping[str, Any]) -> Outcome[SoftwareState]:
        if state.status in BUSY:
            busy = state.upload.target if state.upload else "?"
            raise _not_allowed(f"begin: a session for {busy} is {state.status}; abort it first")
        if not args["version"].strip():
            raise _bad_argument("begin: version must not be empty")
        upload = Upload(
            args["target"], args["version"], args["size_bytes"], args["crc32"], args["chunk_size"]
        )
        chunks = -(-upload.size_bytes // upload.chunk_size)
        text = f"upload of {upload.target} {upload.version} begun: {upload.size_bytes} B"
        text += f" in {chunks} chunks"
        state = self._log(replace(state, status="uploading", upload=upload), text)
        return Outcome(state, (event("update_begun", Severity.INFO, text, **_ids(upload)),))

    def _chunk(self, state: SoftwareState, index: int, data: bytes) -> Outcome[SoftwareState]:
        upload = state.upload
        received = chunks_received(upload)
        if upload is not None and received > 0 and index == received - 1:
            return Outcome(state)  # a retransmission of the chunk already stored
        if state.status != "uploading" or upload is None:
            raise _not_allowed(f"chunk: no upload in progress (status {state.status})")
        if index != received:
            raise _bad_argument(f"chunk: index {index} out of order; expected {received}")
        if len(data) != upload.expected_length():
            raise _bad_argument(
                f"chunk {index}: {len(data)} octets, expected {upload.expected_length()}"
            )
        if state.corrupt_next_chunk:
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
            state = replace(state, corrupt_next_chunk=False)
        # Appending copies the tuple (O(chunks)); spread over one telecommand per chunk that is
        # at most a few milliseconds for the largest image at the smallest chunk size.
        upload = replace(
            upload,
            chunks=(*upload.chunks, data),
            bytes_received=upload.bytes_received + len(data),
            crc32_received=zlib.crc32(data, upload.crc32_received),
        )
        state = replace(state, upload=upload)
        if upload.bytes_received < upload.size_bytes:
            return Outcome(state)
        text = f"{upload.target} {upload.version} image complete: {upload.bytes_received} B"
        state = self._log(replace(state, status="complete"), text)
        return Outcome(state, (event("upload_complete", Severity.INFO, text, **_ids(upload)),))

    def _verify(self, state: SoftwareState) -> Outcome[SoftwareState]:
        upload = state.upload
        if state.status == "verified":
            return Outcome(state)
        if upload is None or state.status not in ("complete", "rejected"):
            raise _not_allowed(f"verify: no complete image (status {state.status})")
        if state.status == "rejected" or upload.crc32_received != upload.crc32:
            raise CommandError(
                ErrorCode.EXECUTION_FAILED,
                f"verify: {_crc_mismatch(upload)}; the image is rejected, begin the upload again",
            )
        text = f"{upload.target} {upload.version} verified: CRC-32 0x{upload.crc32:08x}"
        state = self._log(replace(state, status="verified"), text)
        return Outcome(state, (event("update_verified", Severity.INFO, text, **_ids(upload)),))

    def _activate(self, state: SoftwareState) -> Outcome[SoftwareState]:
        upload = state.upload
        if state.status != "verified" or upload is None:
            raise _not_allowed(
                f"activate: only a verified image can be activated (status {state.status})"
            )
        target, old = upload.target, dict(state.versions)[upload.target]
        state = self._log(state, f"{target} {upload.version} staged in the standby bank")
        restart = (Request(kind="restart", target=target),)
        done = replace(upload, chunks=())  # the image now lives in the target's bank
        if state.fail_next_activation:
            text = f"{target} {upload.version} did not come up; rolled back to {old}"
            state = self._log(state, text)
            state = replace(
                state,
                status="rolled_back",
                upload=done,
                rollbacks=state.rollbacks + 1,
                fail_next_activation=False,
            )
            failed = event("activation_failed", Severity.HIGH, text, **_ids(upload), running=old)
            return Outcome(state, (failed,), restart)
        text = f"{target} switching from {old} to {upload.version}: restart requested"
        state = self._log(state, text)
        state = replace(
            state,
            status="activating",
            upload=done,
            versions=_set(state.versions, target, upload.version),
            previous_versions=_set(state.previous_versions, target, old),
            updates_applied=state.updates_applied + 1,
        )
        started = event("activation_started", Severity.INFO, text, **_ids(upload), previous=old)
        return Outcome(state, (started,), restart)

    def _rollback(self, state: SoftwareState, target: str) -> Outcome[SoftwareState]:
        running, previous = dict(state.versions)[target], dict(state.previous_versions)[target]
        if previous == NO_VERSION:
            raise _not_allowed(f"rollback: {target} has no previous version to go back to")
        text = f"{target} rolled back from {running} to {previous}: restart requested"
        state = self._log(state, text)
        state = replace(
            state,
            versions=_set(state.versions, target, previous),
            previous_versions=_set(state.previous_versions, target, running),
            rollbacks=state.rollbacks + 1,
        )
        upload = state.upload
        if upload is not None and upload.target == target and state.status in SWITCHED:
            state = replace(state, status="rolled_back")
        rolled = event("rolled_back", Severity.LOW, text, target=target, version=previous)
        return Outcome(state, (rolled,), (Request(kind="restart", target=target),))

    def _abort(self, state: SoftwareState) -> Outcome[SoftwareState]:
        upload = state.upload
        if upload is None:
            return Outcome(state)  # nothing to drop: aborting twice is harmless
        if state.status == "activating":
            raise _not_allowed(
                f"abort: {upload.target} is restarting into {upload.version}; use rollback"
            )
        text = f"session for {upload.target} {upload.version} dropped ({state.status})"
        state = self._log(replace(state, status="idle", upload=None), text)
        return Outcome(state, (event("update_aborted", Severity.INFO, text, **_ids(upload)),))

    def _log(self, state: SoftwareState, text: str) -> SoftwareState:
        """Append to the onboard log, keeping the newest `log_length` entries."""
        log = (*state.log, (state.time_s, text))
        return replace(state, log=log[-self.log_length :])


def _not_allowed(reason: str) -> CommandError:
    return CommandError(ErrorCode.NOT_ALLOWED, reason)


def _bad_argument(reason: str) -> CommandError:
    return CommandError(ErrorCode.BAD_ARGUMENT, reason)


def _crc_mismatch(upload: Upload) -> str:
    return f"CRC-32 0x{upload.crc32_received:08x}, expected 0x{upload.crc32:08x}"


def _ids(upload: Upload) -> dict[str, str]:
    return {"target": upload.target, "version": upload.version}


def _set(pairs: tuple[tuple[str, str], ...], key: str, value: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, value if k == key else v) for k, v in pairs)
