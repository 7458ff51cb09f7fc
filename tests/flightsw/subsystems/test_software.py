"""Software update: chunked upload, CRC check, activation with a restart, rollback and faults."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.subsystems.base import Outcome, Request
from flightsw.subsystems.software import SoftwareModel, SoftwareState

CONTEXT = MissionContext("test", 1_700_000_000.0, seed=7)
CHUNK_BYTES = 64
IMAGE = bytes(range(256)) * 3 + b"tail"  # 772 octets: 12 full chunks and a 4-octet last one
IMAGE_CRC32 = zlib.crc32(IMAGE)


def model(**config: Any) -> SoftwareModel:
    return SoftwareModel.from_config(Section(config, "test.toml", "subsystems.software"), CONTEXT)


def run(
    software: SoftwareModel, state: SoftwareState, command: str, **args: Any
) -> Outcome[SoftwareState]:
    """Validate against the dictionary, as the actor does, then execute."""
    checked = software.command_spec(command).validate(args)
    return software.execute(state, command, checked)


def begin(software: SoftwareModel, state: SoftwareState, target: str = "power") -> SoftwareState:
    args = {"version": "1.1.0", "size_bytes": len(IMAGE), "crc32": IMAGE_CRC32}
    return run(software, state, "begin", target=target, chunk_size=CHUNK_BYTES, **args).state


def chunks(image: bytes = IMAGE) -> list[bytes]:
    return [image[i : i + CHUNK_BYTES] for i in range(0, len(image), CHUNK_BYTES)]


def upload(software: SoftwareModel, state: SoftwareState, target: str = "power") -> SoftwareState:
    state = begin(software, state, target)
    for index, data in enumerate(chunks()):
        state = run(software, state, "chunk", index=index, data=data).state
    return state


def verified(software: SoftwareModel, target: str = "power") -> SoftwareState:
    state = upload(software, software.initial_state(), target)
    return run(software, state, "verify").state


def hk(software: SoftwareModel, state: SoftwareState) -> dict[str, Any]:
    return software.housekeeping(state)


def test_housekeeping_keys_are_exactly_the_telemetry_dictionary() -> None:
    software = model()
    assert set(hk(software, software.initial_state())) == {p.name for p in software.telemetry}
    assert hk(software, software.initial_state())["life_support_version"] == "1.0.0"
    custom = model(targets=["power", "comms"], versions={"comms": "2.3.1"})
    assert set(hk(custom, custom.initial_state())) == {p.name for p in custom.telemetry}
    assert hk(custom, custom.initial_state())["comms_version"] == "2.3.1"
    assert "navigation_version" not in hk(custom, custom.initial_state())


def test_zlib_crc32_is_the_iso_hdlc_crc_the_ground_computes() -> None:
    # CRC-32/ISO-HDLC check value over "123456789": 0xCBF43926 (Greg Cook, CRC RevEng catalogue).
    assert zlib.crc32(b"123456789") == 0xCBF43926


def test_a_full_upload_verify_and_activate_restarts_the_target_once_on_the_new_version() -> None:
    software = model()
    state = begin(software, software.initial_state())
    for index, data in enumerate(chunks()):
        assert hk(software, state)["status"] == "uploading"
        state = run(software, state, "chunk", index=index, data=data).state
    values = hk(software, state)
    assert (values["status"], values["bytes_received"], values["chunks_received"]) == (
        "complete",
        772,
        13,
    )
    assert values["progress_pct"] == 100.0
    state = run(software, state, "verify").state
    assert hk(software, state)["status"] == "verified"
    outcome = run(software, state, "activate")
    assert outcome.requests == (Request(kind="restart", target="power"),)
    assert [e.name for e in outcome.events] == ["activation_started"]
    values = hk(software, outcome.state)
    assert (values["power_version"], values["power_previous_version"]) == ("1.1.0", "1.0.0")
    assert values["navigation_version"] == "1.0.0"
    assert values["updates_applied"] == 1
    # The step after the restart confirms the new version is up.
    stepped = software.step(outcome.state, 0.0, 1.0, {})
    assert hk(software, stepped.state)["status"] == "active"
    assert [e.name for e in stepped.events] == ["update_active"]
    assert stepped.requests == ()


def test_progress_counts_the_octets_stored_against_the_image_size() -> None:
    software = model()
    state = begin(software, software.initial_state())
    for index, data in enumerate(chunks()[:4]):
        state = run(software, state, "chunk", index=index, data=data).state
    assert hk(software, state)["progress_pct"] == pytest.approx(100.0 * 256 / 772)


def test_an_out_of_order_chunk_is_refused_and_a_repeat_of_the_previous_is_ignored() -> None:
    software = model()
    state = begin(software, software.initial_state())
    state = run(software, state, "chunk", index=0, data=chunks()[0]).state
    with pytest.raises(CommandError) as gap:
        run(software, state, "chunk", index=2, data=chunks()[2])
    assert gap.value.code == ErrorCode.BAD_ARGUMENT
    assert "expected 1" in gap.value.reason
    repeat = run(software, state, "chunk", index=0, data=chunks()[0])
    assert repeat.state == state
    assert repeat.events == ()


def test_a_chunk_of_the_wrong_length_is_refused() -> None:
    software = model()
    state = begin(software, software.initial_state())
    with pytest.raises(CommandError) as short:
        run(software, state, "chunk", index=0, data=chunks()[0][:10])
    assert short.value.code == ErrorCode.BAD_ARGUMENT


def test_a_corrupted_chunk_fails_verify_and_the_image_is_rejected_on_the_next_step() -> None:
    software = model()
    state = software.inject(software.initial_state(), "corrupted_chunk", {})
    assert hk(software, state)["faults_active"] == 1
    state = upload(software, state)
    assert hk(software, state)["faults_active"] == 0  # it struck the first chunk and is spent
    with pytest.raises(CommandError) as failed:
        run(software, state, "verify")
    assert failed.value.code == ErrorCode.EXECUTION_FAILED
    assert f"expected 0x{IMAGE_CRC32:08x}" in failed.value.reason
    stepped = software.step(state, 0.0, 1.0, {})
    values = hk(software, stepped.state)
    assert (values["status"], values["updates_rejected"]) == ("rejected", 1)
    assert values["power_version"] == "1.0.0"
    assert [e.name for e in stepped.events] == ["update_rejected"]
    with pytest.raises(CommandError) as refused:
        run(software, stepped.state, "activate")
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_a_cleared_corrupted_chunk_fault_leaves_the_image_intact() -> None:
    software = model()
    state = software.clear(
        software.inject(software.initial_state(), "corrupted_chunk", {}), "corrupted_chunk"
    )
    state = upload(software, state)
    assert hk(software, run(software, state, "verify").state)["status"] == "verified"


def test_a_failed_activation_rolls_back_by_itself_and_restarts_the_old_version() -> None:
    software = model()
    state = software.inject(verified(software), "failed_activation", {})
    assert hk(software, state)["faults_active"] == 1
    outcome = run(software, state, "activate")
    assert [(e.name, e.severity.name) for e in outcome.events] == [("activation_failed", "HIGH")]
    assert outcome.requests == (Request(kind="restart", target="power"),)
    values = hk(software, outcome.state)
    assert (values["status"], values["power_version"]) == ("rolled_back", "1.0.0")
    assert (values["rollbacks"], values["updates_applied"], values["faults_active"]) == (1, 0, 0)
    assert "did not come up" in values["last_log"]


def test_rollback_after_a_successful_update_restores_the_previous_version() -> None:
    software = model()
    state = run(software, verified(software), "activate").state
    state = software.step(state, 0.0, 1.0, {}).state
    outcome = run(software, state, "rollback", target="power")
    assert outcome.requests == (Request(kind="restart", target="power"),)
    values = hk(software, outcome.state)
    assert (values["power_version"], values["power_previous_version"]) == ("1.0.0", "1.1.0")
    assert (values["status"], values["rollbacks"]) == ("rolled_back", 1)


def test_rollback_without_a_previous_version_is_refused() -> None:
    software = model()
    with pytest.raises(CommandError) as refused:
        run(software, software.initial_state(), "rollback", target="thermal")
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_activate_before_verify_is_refused() -> None:
    software = model()
    state = upload(software, software.initial_state())
    with pytest.raises(CommandError) as refused:
        run(software, state, "activate")
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert "verified" in refused.value.reason


def test_begin_while_a_session_is_active_is_refused_until_it_is_aborted() -> None:
    software = model()
    state = begin(software, software.initial_state())
    with pytest.raises(CommandError) as refused:
        begin(software, state, "thermal")
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    aborted = run(software, state, "abort").state
    assert hk(software, aborted)["status"] == "idle"
    assert hk(software, begin(software, aborted, "thermal"))["target"] == "thermal"


def test_the_dictionary_refuses_unknown_targets_and_oversized_chunks() -> None:
    software = model(targets=["power"])
    with pytest.raises(CommandError) as unknown:
        begin(software, software.initial_state(), "navigation")
    assert unknown.value.code == ErrorCode.BAD_ARGUMENT
    with pytest.raises(CommandError) as big:
        run(software, software.initial_state(), "chunk", index=0, data=bytes(32_769))
    assert big.value.code == ErrorCode.BAD_ARGUMENT


def test_the_onboard_log_keeps_the_newest_entries_stamped_with_mission_time() -> None:
    software = model(log_length=2)
    state = software.step(software.initial_state(), 0.0, 30.0, {}).state
    state = upload(software, state)  # begun, then complete
    state = run(software, state, "verify").state
    assert [time_s for time_s, _ in state.log] == [30.0, 30.0]
    assert "verified" in state.log[-1][1]
    assert "complete" in state.log[0][1]


def test_a_version_for_an_unknown_target_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"versions\.rover"):
        model(versions={"rover": "1.0.0"})
