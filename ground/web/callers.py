"""Who an HTTP request comes from, and the client of the ground that speaks for them.

A ground with an access folder admits only its operators' keys, and checks each request against
the role of the key that sent it. The web keeps that one authority: a caller shows their
operator key (the secret key of their certificate, `mission keys token` prints it) as a bearer
token, and the web asks the ground on their behalf over a connection made with that same key.
The ground then checks their role and archives what they did under their name, exactly as for
their console. The web itself decides nothing about roles; it only refuses, early and in words,
a key that is not in the operators file.

A ground without an access folder is open to any local client: every caller is the one client
`anyone` (docs/security.md).
"""

from __future__ import annotations

import binascii
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import zmq

from flightsw.config import GROUND, AccessFolder, Certificate, OperatorsWatch, Role
from ground.api import Credentials, GroundClient, Refusal, Reply, Request
from ground.api.liveness import Watch
from ground.errors import ClientError, GroundGone, KeyRefused
from ground.web.problems import Refused

R = TypeVar("R", bound=Reply)

KEY_CHARACTERS = 40  # a CURVE key in Z85
ANSWER_WITHIN_S = 30.0  # wall seconds a request waits for the ground (a step may take a while)


@dataclass(frozen=True, slots=True)
class Caller:
    """Someone the web speaks for: their name and role, and their connection to the ground."""

    name: str
    role: Role
    client: GroundClient
    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time

    def ask(self, request: Request[R]) -> R | Refusal:
        """The ground's answer to `request`, made as this caller.

        Raises:
            Refused: the ground is gone, did not answer, or refused the key itself.
        """
        with self.lock:
            try:
                return self.client.ask(request)
            except GroundGone as gone:
                raise Refused("ground_gone", str(gone)) from None
            except KeyRefused as refused:
                raise Refused("unknown_key", str(refused)) from None
            except ClientError as error:  # no answer in time, or the key refused meanwhile
                raise Refused("no_answer", str(error)) from None


class Callers:
    """The callers of one ground, each made on first use and kept while the web runs."""

    def __init__(self, control: str, watch: Watch | None, access: Path | None) -> None:
        self.control = control
        self.watch = watch
        self.folder = None if access is None else AccessFolder(access)
        self._operators = (
            None if self.folder is None else OperatorsWatch(self.folder.operators_path)
        )
        self._ground_key = None if self.folder is None else self.folder.public(GROUND)
        self._by_key: dict[bytes, Caller] = {}
        self._retired: list[Caller] = []  # callers whose role changed: closed with the web
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        """Whether the ground takes any local client (no keys)."""
        return self.folder is None

    def of(self, token: str | None) -> Caller:
        """The caller whose operator key is `token` (any token, or none, on an open ground).

        Raises:
            Refused: no key was shown, it is not a key, or it is not in the operators file.
        """
        if self._operators is None or self._ground_key is None:
            return self._caller(b"", "anyone", Role.TEST_CONDUCTOR, None)
        if not token:
            raise Refused(
                "no_key",
                "this ground admits only its operators: show your operator key as "
                "`Authorization: Bearer KEY` (`mission keys token` prints yours)",
            )
        secret = token.strip().encode()
        public = _public_of(secret)
        operator = self._operators.current().who(public)
        if operator is None:
            raise Refused(
                "unknown_key",
                "this key is not in the ground's operators file; ask whoever runs the mission "
                f"to add it (`mission keys add NAME --role observer --key {public.decode()}`)",
            )
        credentials = Credentials(
            Certificate(public, secret), self._ground_key, Path(f"the web key of {operator.name}")
        )
        return self._caller(public, operator.name, operator.role, credentials)

    def _caller(self, key: bytes, name: str, role: Role, credentials: Credentials | None) -> Caller:
        with self._lock:
            known = self._by_key.get(key)
            if known is None or known.role is not role or known.name != name:
                if known is not None:  # another thread may be asking through it still
                    self._retired.append(known)
                client = GroundClient(self.control, ANSWER_WITHIN_S, self.watch, credentials)
                known = self._by_key[key] = Caller(name, role, client)
            return known

    def close(self) -> None:
        with self._lock:
            for caller in [*self._by_key.values(), *self._retired]:
                caller.client.close()
            self._by_key.clear()
            self._retired.clear()


def _public_of(secret: bytes) -> bytes:
    """The public key of a secret one (Z85); Refused if `secret` is not a CURVE secret key."""
    if len(secret) != KEY_CHARACTERS:
        raise Refused(
            "unknown_key",
            f"an operator key is {KEY_CHARACTERS} characters (Z85), this one {len(secret)}",
        )
    try:
        return zmq.curve_public(secret)
    except (ValueError, zmq.ZMQError, binascii.Error):
        raise Refused("unknown_key", "this is not an operator key (Z85 text)") from None
