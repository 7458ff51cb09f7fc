"""The control API's answers to requests it cannot carry out (ops replaced by stand-ins)."""

from __future__ import annotations

from typing import Any

import pytest

from ground.process.control import ControlApi


def api_with(name: str, op: Any) -> ControlApi:
    api = ControlApi(None, None, None, None)  # type: ignore[arg-type]  # only `handle` is used
    api.ops = {name: op}
    return api


def answers(api: ControlApi, request: Any) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    api.handle(request, replies.append)
    return replies


def test_a_defect_in_an_op_is_answered_and_logged_not_fatal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(request: dict[str, Any], respond: Any) -> None:
        raise AttributeError("'Commander' object has no attribute '_stage'")

    replies = answers(api_with("queue", broken), {"op": "queue", "state": "disabled"})
    assert len(replies) == 1 and replies[0]["ok"] is False
    assert "failed to carry out 'queue'" in replies[0]["error"]
    assert "keeps running" in replies[0]["error"]
    assert "_stage" in caplog.text  # the traceback is in the log


def test_a_bad_argument_is_answered_with_the_op_named() -> None:
    def needs_state(request: dict[str, Any], respond: Any) -> None:
        respond({"ok": True, "state": request["state"]})

    replies = answers(api_with("queue", needs_state), {"op": "queue"})
    assert replies == [{"ok": False, "error": "bad queue request: KeyError('state')"}]


def test_an_unknown_op_is_answered_with_the_known_ones() -> None:
    replies = answers(api_with("queue", None), {"op": "fly"})
    assert replies == [{"ok": False, "error": "unknown op 'fly'; ops: queue"}]
