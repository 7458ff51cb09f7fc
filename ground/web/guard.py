"""Only this host's own pages may use the web: a guard against other websites and rebinding.

A browser sends whatever a page asks to any address, the operator's loopback included; on a
ground open to any local client, a page from anywhere could command the spacecraft through the
operator's browser. Two checks, on every request and WebSocket:

- `Host` must name the address served (or `localhost` for a loopback one), so a name that
  resolves to this host by a trick (DNS rebinding) is refused;
- an `Origin`, which browsers add to every cross-site request and WebSocket, must be the web's
  own: the operator page's requests pass, another site's are refused. Programs (curl, the
  Python client, scripts) send no `Origin` and are not affected.

Served on every address (`0.0.0.0`, `::`), the loopback names are the web's too. Behind a proxy
(TLS for a lab network), the proxy's public address is named with `mission web --allow-origin
https://NAME`: its host name is then a host served, and its pages an origin allowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import msgspec

from ground.web.problems import Problem, problem

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})
POLICY_VIOLATION = 1008  # the WebSocket close code for a connection refused by policy


class SameSite:
    """ASGI middleware refusing requests for another host or from another site."""

    def __init__(self, app: App, host: str, port: int, origins: tuple[str, ...] = ()) -> None:
        self.app = app
        names = {_bracketed(host)}
        if host in LOOPBACK_NAMES or host in EVERY_ADDRESS:
            names |= LOOPBACK_NAMES
        served = {f"{name}:{port}" for name in names}
        self.origins = frozenset(origin.rstrip("/") for origin in origins)
        self.hosts = frozenset(served | {urlsplit(origin).netloc for origin in self.origins})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            refusal = self.refusal(_headers(scope))
            if refusal is not None:
                await _refuse(scope, send, refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: dict[str, str]) -> Problem | None:
        host = headers.get("host", "")
        if host not in self.hosts:
            return problem(
                "cross_site",
                f"this web serves {' or '.join(sorted(self.hosts))}, not {host or 'no host'}",
            )
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != host and origin not in self.origins:
            return problem(
                "cross_site",
                f"a page from {origin} may not use this web; open the page it serves itself",
            )
        return None


def _bracketed(host: str) -> str:
    """An IPv6 address as a `Host` header writes it."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


async def _refuse(scope: Scope, send: Send, refusal: Problem) -> None:
    if scope["type"] == "websocket":  # closed before the handshake: the server answers 403
        await send({"type": "websocket.close", "code": POLICY_VIOLATION})
        return
    body = msgspec.json.encode(refusal)
    await send({"type": "http.response.start", "status": refusal.status,
                "headers": [(b"content-type", b"application/problem+json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
