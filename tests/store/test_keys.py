"""Key pairs: sealed under a password, opened only by it, signatures checked."""

import pytest

from ketamonitor.store.keys import (
    KeyCannotBeOpened,
    KeyPair,
    new_key_pair,
    seal,
    sign,
    signature_valid,
    unseal,
)
from tests.people import FAST_HASHER, PASSWORD


def test_a_sealed_key_opens_with_its_password_and_signs() -> None:
    pair, _ = new_key_pair(PASSWORD, FAST_HASHER)
    private = unseal(pair, PASSWORD)
    assert signature_valid(pair.public_key, "row 7", sign(private, "row 7"))
    assert not signature_valid(pair.public_key, "row 8", sign(private, "row 7"))


def test_a_wrong_password_or_a_swapped_public_key_cannot_open_it() -> None:
    pair, _ = new_key_pair(PASSWORD, FAST_HASHER)
    with pytest.raises(KeyCannotBeOpened):
        unseal(pair, "guess")
    other, _ = new_key_pair(PASSWORD, FAST_HASHER)
    with pytest.raises(KeyCannotBeOpened):
        unseal(KeyPair(other.public_key, pair.sealed_key), PASSWORD)


def test_resealing_keeps_the_same_key_under_a_new_password() -> None:
    pair, private = new_key_pair(PASSWORD, FAST_HASHER)
    resealed = seal(private, "new-password", FAST_HASHER)
    assert resealed.public_key == pair.public_key
    assert unseal(resealed, "new-password")


def test_a_malformed_signature_is_invalid_not_an_error() -> None:
    pair, _ = new_key_pair(PASSWORD, FAST_HASHER)
    assert not signature_valid(pair.public_key, "x", "zz")
    assert not signature_valid("00", "x", "00" * 64)


def test_a_key_sealed_by_one_hasher_opens_under_another_but_never_at_a_forged_cost() -> None:
    """The Argon2 parameters travel with the sealed key (a command line's default hasher
    opens what the app's sealed), bounded: a forged cost cannot make a login eat memory."""
    pair, _ = new_key_pair(PASSWORD, FAST_HASHER)
    assert unseal(pair, PASSWORD)
    kind, _t, _m, _p, text = pair.sealed_key.split(":")
    with pytest.raises(KeyCannotBeOpened):
        unseal(KeyPair(pair.public_key, f"{kind}:1:{1 << 30}:1:{text}"), PASSWORD)
