"""Who may ask the control API for what, and the audit trail of what they asked.

Each request names the least role that may make it (`Request.role`); the caller's role comes
from the operators file through their key (`ground.process.access`). What goes beyond reading,
and every refusal, is archived as its answer goes (`audited`), with how it ended (`outcome`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flightsw.config import Operator, Role
from ground.api import CommandReply, Refusal, Reply, Request

Respond = Callable[[Reply | Refusal], None]
"""Where a request's reply goes (the socket's side encodes it)."""
Record = Callable[[Operator, Request[Any] | None, str], None]
"""Archives who asked for what (None: a request that did not decode) and how it ended."""


def forbidden(caller: Operator, request: Request[Any]) -> str | None:
    """Why `caller` may not make `request`, in words; None when their role allows it."""
    needed = request.role()
    if caller.role.allows(needed):
        return None
    article = "an" if caller.role.value[0] in "aeiou" else "a"
    return (
        f"{caller.name} is {article} {caller.role}: {request.op()!r} needs the {needed} role "
        "(roles are given in the ground's operators file)"
    )


def needs_audit(request: Request[Any]) -> bool:
    """Whether the request goes beyond reading (every refusal is audited besides)."""
    return request.role() is not Role.OBSERVER


def audited(
    record: Record, caller: Operator, request: Request[Any] | None, respond: Respond
) -> Respond:
    """`respond`, archiving who asked for what and how it ended as the answer goes."""

    def answer(reply: Reply | Refusal) -> None:
        record(caller, request, outcome(reply))
        respond(reply)

    return answer


def outcome(reply: Reply | Refusal) -> str:
    """How a request ended, in a few words, for the audit trail."""
    if isinstance(reply, Refusal):
        return f"refused: {reply.error}"
    if isinstance(reply, CommandReply):
        return f"command #{reply.command.id} {reply.command.status}"
    return "done"
