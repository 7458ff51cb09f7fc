"""A software update from the web: an image uploaded whole, sent up as the spacecraft takes it.

The spacecraft takes an image as `software.begin` (its size, CRC-32 and chunk size) and then
`software.chunk` commands of at most the chunk size each (docs/icd.md; the software subsystem's
dictionary has the ranges). A JSON body cannot carry octets, so the web takes the image as the
body of one request and sends those commands, each as the caller, in order. Verification and
activation stay separate commands (`software.verify`, then the hazardous `software.activate`):
an operator sees the upload complete before deciding.
"""

from __future__ import annotations

import zlib

import msgspec

from ground.api import Refusal, SendCommand
from ground.web.callers import Caller
from ground.web.problems import Refused

DEFAULT_CHUNK_BYTES = 4096
MAX_IMAGE_BYTES = 10_000_000
"""The most the web reads of an image; the spacecraft refuses any larger by its own range
(the dictionary's `software.begin` `size_bytes`)."""


class Upload(msgspec.Struct, frozen=True, kw_only=True):
    """What was sent up: the image's size and CRC-32, and the commands that carry it."""

    target: str
    version: str
    size_bytes: int
    crc32: int
    commands: list[int]  # begin, then each chunk, in order


def upload(caller: Caller, target: str, version: str, image: bytes, chunk_bytes: int) -> Upload:
    """Send `image` up for `target` as `version`, as `caller`.

    Raises:
        Refused: the ground refused a command (the upload stops there; `software.abort` drops
            what was sent), or the ground is gone.
    """
    crc32 = zlib.crc32(image)
    begin = {
        "target": target,
        "version": version,
        "size_bytes": len(image),
        "crc32": crc32,
        "chunk_size": chunk_bytes,
    }
    commands = [_sent(caller, SendCommand(name="software.begin", args=begin, source="web"))]
    for index, start in enumerate(range(0, len(image), chunk_bytes)):
        chunk = {"index": index, "data": image[start : start + chunk_bytes]}
        commands.append(_sent(caller, SendCommand(name="software.chunk", args=chunk, source="web")))
    return Upload(
        target=target, version=version, size_bytes=len(image), crc32=crc32, commands=commands
    )


def _sent(caller: Caller, command: SendCommand) -> int:
    reply = caller.ask(command)
    if isinstance(reply, Refusal):
        raise Refused(reply.reason, f"{command.name} was refused: {reply.error}")
    return reply.command.id
