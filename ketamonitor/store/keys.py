"""Each account's Ed25519 key pair, its private key sealed under the person's password.

Why: a row signed with a key only the person's password opens cannot be forged by someone who
can only edit the file (issue 20, item 1). The sealing key is an Argon2id raw hash of the
password with its own salt, at the password hasher's parameters, so tests stay fast with the
fast hasher and a real clinic pays one more derivation at login only. The parameters are
kept in the sealed text (as an Argon2 password hash keeps its own): a key sealed by one
hasher opens under another, e.g. a command line's default one or a newer argon2-cffi's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

_SALT_BYTES = 16
_NONCE_BYTES = 12


class KeyCannotBeOpened(Exception):
    """The password does not open this sealed key: the account was changed outside the app."""


@dataclass(frozen=True)
class KeyPair:
    """A public key (hex, for the accounts table) and its private key sealed (hex)."""

    public_key: str
    sealed_key: str


@dataclass(frozen=True)
class _Cost:
    """The Argon2id parameters a key was sealed with."""

    time_cost: int
    memory_cost: int
    parallelism: int


#: The most a sealed key may ask: far beyond argon2-cffi's default profile (3, 64 MiB, 4).
_MOST = _Cost(time_cost=20, memory_cost=1 << 20, parallelism=16)


def _sealing_key(password: str, salt: bytes, cost: _Cost | PasswordHasher) -> bytes:
    return hash_secret_raw(
        secret=password.encode("utf-8", "surrogatepass"),
        salt=salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_cost,
        parallelism=cost.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _public_hex(private: Ed25519PrivateKey) -> str:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def seal(private: Ed25519PrivateKey, password: str, hasher: PasswordHasher) -> KeyPair:
    """Seal `private` under `password` (a fresh salt and nonce each time)."""
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(_sealing_key(password, salt, hasher)).encrypt(nonce, raw, salt)
    cost = f"{hasher.time_cost}:{hasher.memory_cost}:{hasher.parallelism}"
    return KeyPair(_public_hex(private), f"argon2id:{cost}:{(salt + nonce + sealed).hex()}")


def new_key_pair(password: str, hasher: PasswordHasher) -> tuple[KeyPair, Ed25519PrivateKey]:
    """A new key pair sealed under `password`, and its private key for this session."""
    private = Ed25519PrivateKey.generate()
    return seal(private, password, hasher), private


def unseal(pair: KeyPair, password: str) -> Ed25519PrivateKey:
    """Open the sealed private key with the Argon2 parameters it was sealed with, or raise
    KeyCannotBeOpened (also for parameters beyond any the app uses: a sealed text forged to
    make a login take all memory)."""
    try:
        kind, time_cost, memory_cost, parallelism, text = pair.sealed_key.split(":")
        if kind != "argon2id":
            raise ValueError(kind)
        cost = _Cost(int(time_cost), int(memory_cost), int(parallelism))
        if not (1 <= cost.time_cost <= _MOST.time_cost and 8 <= cost.memory_cost
                <= _MOST.memory_cost and 1 <= cost.parallelism <= _MOST.parallelism):
            raise ValueError(cost)
        blob = bytes.fromhex(text)
        salt = blob[:_SALT_BYTES]
        nonce = blob[_SALT_BYTES : _SALT_BYTES + _NONCE_BYTES]
        raw = AESGCM(_sealing_key(password, salt, cost)).decrypt(
            nonce, blob[_SALT_BYTES + _NONCE_BYTES :], salt
        )
        private = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, InvalidTag) as error:
        raise KeyCannotBeOpened from error
    if _public_hex(private) != pair.public_key:
        raise KeyCannotBeOpened
    return private


def sign(private: Ed25519PrivateKey, message: str) -> str:
    """The Ed25519 signature (hex) of `message`."""
    return private.sign(message.encode("utf-8")).hex()


def signature_valid(public_key: str, message: str, signature: str) -> bool:
    """Whether `signature` (hex) is `public_key`'s (hex) over `message`; False if malformed."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), message.encode("utf-8"))
    except (ValueError, InvalidSignature):
        return False
    return True
