"""Mission control on the web: an HTTP API and a live WebSocket feed over a running ground.

`mission web` attaches to a ground as the console does, through its control API and live feed
(`ground.api`), and serves them over HTTP on loopback:

- `routes`: which HTTP route carries which control request (the one table of them)
- `callers`: who an HTTP request comes from (their operator key) and their client of the ground
- `problems`: every error as a problem-details document (RFC 9457) with the ground's reason
- `openapi`: the API's OpenAPI document, its schemas generated from the control messages
- `relay`: the live feed, numbered and kept a while, so a client that reconnects misses nothing
- `decimate`: a parameter's history cut to a number of points without losing its extremes
- `app`: the FastAPI application that puts these together

docs/web.md describes the API for its users.
"""

from ground.web.app import make_app
from ground.web.callers import Caller, Callers
from ground.web.relay import FeedRelay
from ground.web.routes import ROUTES, Route

__all__ = ["ROUTES", "Caller", "Callers", "FeedRelay", "Route", "make_app"]
