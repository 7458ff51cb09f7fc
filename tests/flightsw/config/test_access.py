"""Who may connect (flightsw.config.access): certificates, the operators file, roles, provisioning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import zmq

from flightsw.config import (
    GROUND,
    SPACECRAFT,
    AccessFolder,
    ConfigError,
    OperatorsWatch,
    Role,
    add_operator,
    make_certificate,
    provision,
    read_certificate,
    read_operators,
    remove_operator,
)


def a_key() -> bytes:
    return zmq.curve_keypair()[0]


def test_each_role_may_do_what_the_ones_before_it_may_and_no_more() -> None:
    assert Role.TEST_CONDUCTOR.allows(Role.OPERATOR)
    assert Role.TEST_CONDUCTOR.allows(Role.OBSERVER)
    assert Role.OPERATOR.allows(Role.OBSERVER)
    assert not Role.OPERATOR.allows(Role.TEST_CONDUCTOR)
    assert not Role.OBSERVER.allows(Role.OPERATOR)


def test_a_certificate_is_read_back_as_made_and_its_secret_is_its_owners_alone(
    tmp_path: Path,
) -> None:
    made = make_certificate(tmp_path / "keys" / "me.key_secret")

    assert read_certificate(tmp_path / "keys" / "me.key_secret") == made
    assert (tmp_path / "keys" / "me.key_secret").stat().st_mode & 0o077 == 0
    assert AccessFolder(tmp_path / "keys").public("me") == made.public
    with pytest.raises(FileExistsError):
        make_certificate(tmp_path / "keys" / "me.key_secret")


def test_a_secret_certificate_others_may_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    make_certificate(tmp_path / "me.key_secret")
    (tmp_path / "me.key_secret").chmod(0o644)

    with pytest.raises(ConfigError, match="chmod 600"):
        read_certificate(tmp_path / "me.key_secret")


def test_a_public_certificate_is_not_taken_for_a_key_pair(tmp_path: Path) -> None:
    make_certificate(tmp_path / "me.key_secret")
    public = tmp_path / "me.key"
    public.chmod(0o600)

    with pytest.raises(ConfigError, match="secret-key"):
        read_certificate(public)


def test_the_operators_file_names_each_key_with_a_role(tmp_path: Path) -> None:
    path = tmp_path / "operators"
    alice, bob = a_key(), a_key()
    add_operator(path, "alice", Role.TEST_CONDUCTOR, alice)
    add_operator(path, "bob", Role.OBSERVER, bob)

    operators = read_operators(path)

    assert operators.by_key[alice].name == "alice"
    assert operators.by_key[bob].role is Role.OBSERVER
    assert operators.test_conductor_keys() == frozenset({alice})
    assert operators.who(a_key()) is None


def test_a_key_with_a_hash_in_it_is_not_taken_for_a_comment(tmp_path: Path) -> None:
    key = next(k for k in iter(a_key, None) if b"#" in k[1:])  # Z85 has '#' in its alphabet
    add_operator(tmp_path / "operators", "carol", Role.OPERATOR, key)

    assert read_operators(tmp_path / "operators").by_key[key].name == "carol"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("observer KEY", "ROLE PUBLIC-KEY NAME"),
        ("admin KEY alice", "no role 'admin'"),
        ("observer tooshort alice", "40 Z85"),
        ("observer KEY al/ice", "one word"),
    ],
)
def test_a_wrong_line_is_refused_naming_its_line(tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / "operators"
    path.write_text("# a comment\n" + line.replace("KEY", a_key().decode()) + "\n")

    with pytest.raises(ConfigError, match="line 2") as refused:
        read_operators(path)
    assert says in str(refused.value)


def test_a_key_or_a_name_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "operators"
    key = a_key()
    add_operator(path, "alice", Role.OBSERVER, key)

    with pytest.raises(ConfigError, match="alice's already"):
        add_operator(path, "bob", Role.OBSERVER, key)
    with pytest.raises(ConfigError, match="there already"):
        add_operator(path, "alice", Role.OPERATOR, a_key())


def test_an_operators_file_others_may_change_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "operators"
    add_operator(path, "alice", Role.OBSERVER, a_key())
    path.chmod(0o666)

    with pytest.raises(ConfigError, match="chmod 644"):
        read_operators(path)


def test_a_revoked_operator_is_gone_and_the_others_stay(tmp_path: Path) -> None:
    path = tmp_path / "operators"
    alice, bob = a_key(), a_key()
    add_operator(path, "alice", Role.OPERATOR, alice)
    add_operator(path, "bob", Role.OBSERVER, bob)

    assert remove_operator(path, "alice").key == alice
    assert set(read_operators(path).by_key) == {bob}
    with pytest.raises(ConfigError, match="known: bob"):
        remove_operator(path, "alice")


def test_the_watch_sees_a_revocation_and_admits_no_one_from_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "operators"
    alice = a_key()
    add_operator(path, "alice", Role.OPERATOR, alice)
    watch = OperatorsWatch(path)
    assert watch.current().who(alice) is not None

    remove_operator(path, "alice")
    assert watch.current().who(alice) is None

    add_operator(path, "alice", Role.OPERATOR, alice)
    assert watch.current().who(alice) is not None
    with path.open("a") as stream:
        stream.write("nonsense\n")
    assert watch.current().by_key == {}
    assert watch.problem is not None and "line" in watch.problem


def test_a_first_run_makes_both_certificates_and_the_user_a_test_conductor(
    tmp_path: Path,
) -> None:
    folder = AccessFolder(tmp_path / "keys")

    made = provision(folder, "ada")

    assert len(made) == 3
    operators = read_operators(folder.operators_path)
    ada = read_certificate(folder.identity_path("ada"))
    assert operators.by_key[ada.public].role is Role.TEST_CONDUCTOR
    assert folder.own(GROUND).public != folder.own(SPACECRAFT).public
    assert provision(folder, "ada") == []  # a second run makes nothing


def test_a_revoked_user_is_not_let_back_in_by_the_next_run(tmp_path: Path) -> None:
    folder = AccessFolder(tmp_path / "keys")
    provision(folder, "ada")
    remove_operator(folder.operators_path, "ada")

    provision(folder, "ada")

    assert read_operators(folder.operators_path).by_key == {}
    assert os.path.exists(folder.identity_path("ada"))  # kept, but no longer admitted
