"""The console's `status` and the live view say when the spacecraft has fallen silent."""

from __future__ import annotations

import io

from ground.api import (
    ChannelStatus,
    GroundStatus,
    IngestCounts,
    PlaybackCounts,
    Silence,
    SilenceChanged,
    TruthCounts,
)
from ground.console.live_view import LiveView
from ground.console.render import Renderer

SILENCE = Silence(since_s=1234.0, cause="its sim port connection dropped")


def status(silence: Silence | None) -> GroundStatus:
    return GroundStatus(
        mission="fake",
        time_s=1300.0,
        one_way_light_time_s=0.0,
        range_m=None,
        in_flight_down=0,
        last_frame_s=None,
        ingest=IngestCounts(0, 0, 0, {}, 0, 0),
        truth=TruthCounts(0, 0, {}, ""),
        channel=ChannelStatus(0.0, None, True, True, None, 0, 0, 0, 0, 0.0, []),
        playback=PlaybackCounts(0, 0),
        events=0,
        commands_pending=0,
        alarms_active=1,
        silence=silence,
    )


def shown_status(silence: Silence | None) -> str:
    out = io.StringIO()
    Renderer(out, tty=False).status(status(silence))
    return out.getvalue()


def test_status_says_the_spacecraft_is_heard() -> None:
    text = shown_status(None)
    assert "heard" in text and "silent" not in text.lower()


def test_status_says_since_when_the_spacecraft_is_silent_and_why() -> None:
    text = shown_status(SILENCE)
    assert "SILENT" in text
    assert (
        "the spacecraft has been silent since T+1,234.0 s (its sim port connection dropped)" in text
    )


def test_the_live_view_shows_a_silence_until_the_spacecraft_is_heard_again() -> None:
    out = io.StringIO()
    view = LiveView("tcp://127.0.0.1:9", out)  # nothing there: the view is fed by hand
    try:
        view.take(SilenceChanged(time_s=1300.0, silence=SILENCE, text="spacecraft silent"))
        view.render(header="fake")
        view.take(SilenceChanged(time_s=1400.0, silence=None, text="spacecraft heard again"))
        view.render(header="fake")
    finally:
        view.close()
    silent, heard = out.getvalue().split("\n\n")[:2]
    assert f"SPACECRAFT SILENT: {SILENCE}" in silent
    assert "SILENT" not in heard
