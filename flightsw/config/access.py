"""Who may reach the control API, the live feed and the sim port, and as whom.

The access folder (by default `DATA_DIR/keys`, beside the telecommand keys) holds:

    ground.key, ground.key_secret          the ground's CURVE certificate
    spacecraft.key, spacecraft.key_secret  the spacecraft's (its sim port and truth feed)
    operators                              who may connect: a client key, a name and a role
    identities/NAME.key_secret, NAME.key   operators' certificates made on this host

Certificates are ZeroMQ's (czmq's ZPL text, as pyzmq's `zmq.auth` reads and writes them): a
secret one readable by its owner only, a public one to hand out. The operators file is to the
control API what ssh's `authorized_keys` is to sshd, one client key a line (a comment is a
whole line: `#` is one of Z85's characters):

    # role          public key (Z85, 40 characters)           operator
    test-conductor  rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7  alice
    observer        Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID  flight-dynamics

The ground reads it again whenever it changes: a line removed is a key revoked, from the next
connection and the next request on. The spacecraft's sim port admits the ground's key and the
test conductors' only.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import zmq
from zmq.auth import load_certificate
from zmq.utils import z85

from flightsw.config.secret_files import check_not_writable, check_private, create_secret
from flightsw.errors import ConfigError

GROUND = "ground"
SPACECRAFT = "spacecraft"
OPERATORS_FILE = "operators"
IDENTITIES_FOLDER = "identities"
Z85_KEY_CHARS = 40  # a 32-byte CURVE key in Z85
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.@-]{1,64}")  # an operator's name: one word, ≤ 64 characters
OPERATORS_HEADER = (
    "# Who may connect to the ground's control API and live feed, and to the spacecraft's sim\n"
    "# port (test conductors only), one client key a line. Remove a line to revoke a key.\n"
    "# role          public key (Z85, 40 characters)           operator\n"
)


class Role(StrEnum):
    """What an operator may do; each role may do what the ones before it may."""

    OBSERVER = "observer"  # read telemetry, alarms, events, commands, the archive
    OPERATOR = "operator"  # and command, acknowledge and shelve alarms
    TEST_CONDUCTOR = "test-conductor"  # and inject faults, drive the clock, reset, shut down

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may."""
        order = tuple(Role)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A CURVE key pair, each key in Z85 (40 characters)."""

    public: bytes
    secret: bytes


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone a client key stands for."""

    name: str
    role: Role
    key: bytes  # the client's public key, Z85


@dataclass(frozen=True, slots=True)
class Operators:
    """The operators file as read: each operator by their public key."""

    by_key: dict[bytes, Operator]

    def who(self, key: bytes) -> Operator | None:
        return self.by_key.get(key)

    def test_conductor_keys(self) -> frozenset[bytes]:
        return frozenset(k for k, o in self.by_key.items() if o.role is Role.TEST_CONDUCTOR)


@dataclass(frozen=True, slots=True)
class AccessFolder:
    """The access folder: where each certificate and the operators file are."""

    path: Path

    @property
    def operators_path(self) -> Path:
        return self.path / OPERATORS_FILE

    def secret_path(self, name: str) -> Path:
        return self.path / f"{name}.key_secret"

    def public_path(self, name: str) -> Path:
        return self.path / f"{name}.key"

    def identity_path(self, operator: str) -> Path:
        """Where an operator's own certificate made on this host is (secret part)."""
        return self.path / IDENTITIES_FOLDER / f"{operator}.key_secret"

    def own(self, name: str) -> Certificate:
        """The secret certificate of `GROUND` or `SPACECRAFT` (ConfigError if unusable)."""
        return read_certificate(self.secret_path(name))

    def public(self, name: str) -> bytes:
        """The public key of `GROUND` or `SPACECRAFT`."""
        return read_public_key(self.public_path(name))


def access_folder(data_dir: Path) -> AccessFolder:
    """The access folder `mission run` keeps in a data folder (DATA_DIR/keys)."""
    return AccessFolder(data_dir / "keys")


def local_user() -> str:
    """This host's user name as an operator name: the one `mission run` provisions."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name and no password entry, as in some containers
        name = ""
    cleaned = re.sub(r"[^A-Za-z0-9_.@-]", "-", name)[:64]
    return cleaned or "operator"


# -- certificates ------------------------------------------------------------------------------


def make_certificate(secret_path: Path) -> Certificate:
    """A new key pair: the secret certificate at `secret_path` (mode 600) and the public one
    beside it (`.key`).

    Raises:
        FileExistsError: the secret certificate exists already (it is never overwritten).
        OSError: it cannot be written.
    """
    public, secret = zmq.curve_keypair()
    made = Certificate(public, secret)
    create_secret(secret_path, _certificate_text(public, secret))
    public_path = secret_path.with_suffix(".key")
    public_path.unlink(missing_ok=True)
    public_path.write_text(_certificate_text(public, None))
    return made


def read_certificate(path: Path) -> Certificate:
    """The key pair in the secret certificate at `path`, which must be its owner's alone.

    Raises:
        ConfigError: missing, readable by others, or without two valid keys.
    """
    check_private(path, "`mission run` makes it on a first run, `mission keys` on demand")
    public, secret = _load(path)
    if secret is None:
        raise ConfigError(str(path), "secret-key", "missing: this is a public certificate")
    return Certificate(public, secret)


def read_public_key(path: Path) -> bytes:
    """The public key in the certificate at `path`.

    Raises:
        ConfigError: missing, or without a valid key.
    """
    return _load(path)[0]


def _load(path: Path) -> tuple[bytes, bytes | None]:
    try:
        public, secret = load_certificate(path)
    except (OSError, ValueError) as error:
        raise ConfigError(str(path), "-", f"not a CURVE certificate: {error}") from None
    for what, key in (("public-key", public), ("secret-key", secret)):
        if key is not None and not valid_key(key):
            raise ConfigError(str(path), what, f"expected {Z85_KEY_CHARS} Z85 characters")
    return public, secret


def valid_key(key: bytes) -> bool:
    """Whether `key` is a CURVE key in Z85 (40 characters decoding to 32 bytes)."""
    if len(key) != Z85_KEY_CHARS:
        return False
    try:
        return len(z85.decode(key)) == 32
    except (ValueError, KeyError, IndexError):
        return False


def _certificate_text(public: bytes, secret: bytes | None) -> str:
    kind, secret_line = (
        ("Secret", f'    secret-key = "{secret.decode()}"\n') if secret else ("Public", "")
    )
    return (
        f"#   ZeroMQ CURVE {kind} Certificate\n"
        f"metadata\ncurve\n"
        f'    public-key = "{public.decode()}"\n{secret_line}'
    )


# -- the operators file --------------------------------------------------------------------------


def read_operators(path: Path) -> Operators:
    """The operators file at `path`, refused if others may change it.

    Raises:
        ConfigError: missing, writable by others (whoever can write it can let anyone in), or
            a line that is not `ROLE KEY NAME` (the message names the line).
    """
    check_not_writable(
        path, "`mission run` makes one, naming you", "let anyone in (they may read it)"
    )
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise ConfigError(str(path), "-", f"cannot be read: {error.strerror or error}") from None
    by_key: dict[bytes, Operator] = {}
    names: set[str] = set()
    for number, line in enumerate(lines, 1):
        words = line.split()
        if not words or words[0].startswith("#"):  # whole-line comments only: '#' is Z85
            continue
        where = f"line {number}"
        if len(words) != 3:
            raise ConfigError(str(path), where, "expected ROLE PUBLIC-KEY NAME")
        role_word, key_word, name = words
        try:
            role = Role(role_word)
        except ValueError:
            roles = ", ".join(role.value for role in Role)
            raise ConfigError(str(path), where, f"no role {role_word!r} ({roles})") from None
        key = key_word.encode()
        if not valid_key(key):
            raise ConfigError(str(path), where, f"the key is not {Z85_KEY_CHARS} Z85 characters")
        if not NAME_PATTERN.fullmatch(name):
            raise ConfigError(
                str(path), where, "a name is one word of letters, digits and _.@- (≤ 64)"
            )
        if key in by_key:
            raise ConfigError(str(path), where, f"the key is {by_key[key].name}'s already")
        if name in names:
            raise ConfigError(str(path), where, f"{name} is named twice")
        names.add(name)
        by_key[key] = Operator(name, role, key)
    return Operators(by_key)


def add_operator(path: Path, name: str, role: Role, key: bytes) -> None:
    """Add a line for `name` to the operators file (made if need be).

    Raises:
        ConfigError: the name or key is there already, or either is malformed.
    """
    if not NAME_PATTERN.fullmatch(name):
        raise ConfigError(str(path), name, "a name is one word of letters, digits and _.@- (≤ 64)")
    if not valid_key(key):
        raise ConfigError(str(path), name, f"the key is not {Z85_KEY_CHARS} Z85 characters")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(OPERATORS_HEADER)
    present = read_operators(path)
    for operator in present.by_key.values():
        if operator.name == name:
            raise ConfigError(str(path), name, f"{name} is there already, as {operator.role}")
    if key in present.by_key:
        raise ConfigError(str(path), name, f"the key is {present.by_key[key].name}'s already")
    with path.open("a") as stream:
        stream.write(f"{role.value:<15} {key.decode()}  {name}\n")


def remove_operator(path: Path, name: str) -> Operator:
    """Take `name`'s line out of the operators file (a revocation); the operator removed.

    Raises:
        ConfigError: no operator of that name, or the file is unusable.
    """
    present = read_operators(path)
    gone = next((o for o in present.by_key.values() if o.name == name), None)
    if gone is None:
        known = ", ".join(sorted(o.name for o in present.by_key.values())) or "none"
        raise ConfigError(str(path), name, f"no operator {name} (known: {known})")
    kept = [
        line
        for line in path.read_text().splitlines(keepends=True)
        if line.split()[1:2] != [gone.key.decode()] or line.lstrip().startswith("#")
    ]
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text("".join(kept))
    draft.chmod(0o644)
    os.replace(draft, path)
    return gone


class OperatorsWatch:
    """The operators file, read again when it changes: a revocation takes effect at once.

    Safe to ask from the authenticator's thread and the main one. A file that becomes
    unreadable or malformed admits no one until it is fixed (a revocation must not be undone
    by a typo), and the first look that finds it so says why in `problem`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._operators = Operators({})
        self.problem: str | None = None
        self.current()

    @classmethod
    def of(cls, path: Path) -> OperatorsWatch:
        """A watch on `path`, refused now, saying why, if the file is unusable (rather than
        admit no one without a word).

        Raises:
            ConfigError: as `read_operators`.
        """
        read_operators(path)
        return cls(path)

    def current(self) -> Operators:
        with self._lock:
            try:
                info = self.path.stat()
                seen = (info.st_mtime_ns, info.st_size, info.st_ino)
            except OSError:
                seen = None
            if seen != self._seen or seen is None:
                self._seen = seen
                try:
                    self._operators, self.problem = read_operators(self.path), None
                except ConfigError as error:
                    self._operators, self.problem = Operators({}), str(error)
            return self._operators


# -- what a first run needs ----------------------------------------------------------------------


def provision(folder: AccessFolder, user: str) -> list[str]:
    """Make what a run needs and is missing: the ground's and the spacecraft's certificates and,
    with no operators file yet, `user`'s own certificate as the first test conductor. Returns
    what was made, in words, for the log. Never replaces anything (a key removed from the
    operators file stays revoked); a run starting beside this one may make some of it.

    Raises:
        OSError: the folder cannot be written.
        ConfigError: a file there is unusable.
    """
    made = []
    folder.path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in (GROUND, SPACECRAFT):
        if not folder.secret_path(name).exists():
            with contextlib.suppress(FileExistsError):
                make_certificate(folder.secret_path(name))
                made.append(f"the {name}'s certificate in {folder.path}")
    if folder.operators_path.exists():
        return made
    identity = folder.identity_path(user)
    try:
        certificate = make_certificate(identity)
    except FileExistsError:
        certificate = read_certificate(identity)
    try:
        add_operator(folder.operators_path, user, Role.TEST_CONDUCTOR, certificate.public)
    except ConfigError:
        if read_operators(folder.operators_path).who(certificate.public) is None:
            raise
        return made  # a run starting beside this one named the user a moment ago
    made.append(f"{user}'s identity ({identity}), a test conductor in {folder.operators_path}")
    return made
