"""Each account's Ed25519 key pair, its private key sealed under the person's password.

Why: a row signed with a key only the person's password opens cannot be forged by someone who
can only edit the file (issue 20, item 1). The sealing key is an Argon2id raw hash of the
password with its own salt, at the password hasher's parameters, so tests stay fast with the
fast hasher and a real clinic pays one more derivation at login only.
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


def _sealing_key(password: str, salt: bytes, hasher: PasswordHasher) -> bytes:
    return hash_secret_raw(
        secret=password.encode("utf-8", "surrogatepass"),
        salt=salt,
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
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
    return KeyPair(_public_hex(private), (salt + nonce + sealed).hex())


def new_key_pair(password: str, hasher: PasswordHasher) -> tuple[KeyPair, Ed25519PrivateKey]:
    """A new key pair sealed under `password`, and its private key for this session."""
    private = Ed25519PrivateKey.generate()
    return seal(private, password, hasher), private


def unseal(pair: KeyPair, password: str, hasher: PasswordHasher) -> Ed25519PrivateKey:
    """Open the sealed private key, or raise KeyCannotBeOpened."""
    try:
        blob = bytes.fromhex(pair.sealed_key)
        salt = blob[:_SALT_BYTES]
        nonce = blob[_SALT_BYTES : _SALT_BYTES + _NONCE_BYTES]
        raw = AESGCM(_sealing_key(password, salt, hasher)).decrypt(
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
