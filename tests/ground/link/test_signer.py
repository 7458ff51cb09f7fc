"""The ground's telecommand signer (ground.link.signer): numbers only go up, from the
spacecraft's, and every frame it signs opens with the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config import TcKeys
from flightsw.icd import encode_tc, sdls
from ground.link.signer import TcSigner

KEY = bytes(range(32))
PING = encode_tc(1, 0, 17, 1)


def signer() -> TcSigner:
    return TcSigner(TcKeys(Path("keys.toml"), {4: KEY}, active_spi=4))


def test_each_frame_is_signed_with_the_active_key_and_the_next_number() -> None:
    signing = signer()

    numbers = [sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number for _ in range(3)]

    assert numbers == [1, 2, 3]
    assert sdls.open_secured(signing.sign(PING), {4: KEY}).plain == PING


def test_it_signs_on_above_what_the_spacecraft_last_took() -> None:
    signing = signer()
    signing.sign_from({4: 41, 9: 1000})  # another SPI's numbers are another key's

    assert sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number == 42


def test_it_never_goes_back_for_a_spacecraft_that_says_less() -> None:
    """A reset's new spacecraft reports nothing taken, but its process keeps the numbers."""
    signing = signer()
    for _ in range(5):
        signing.sign(PING)
    signing.sign_from({})

    assert sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number == 6


def test_a_key_whose_numbers_are_spent_says_to_make_a_new_one() -> None:
    signing = signer()
    signing.sign_from({4: sdls.MAX_SEQUENCE_NUMBER})

    with pytest.raises(OverflowError, match="new key"):
        signing.sign(PING)
