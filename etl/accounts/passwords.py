"""Password hashing (argon2id) and generated passwords."""

from __future__ import annotations

import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from etl.errors import ConfigError

MIN_LENGTH: Final = 12
# argon2-cffi's defaults follow RFC 9106's second recommendation (64 MiB, t=3, p=4).
HASHER: Final = PasswordHasher()
# Verified when the user does not exist, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH: Final = HASHER.hash(secrets.token_urlsafe(16))
ALPHABET: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def check_policy(password: str) -> None:
    """Refuse passwords that are too short or that are only one repeated character."""
    if len(password) < MIN_LENGTH:
        raise ConfigError(
            f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein "
            f"(erhalten: {len(password)})."
        )
    if len(set(password)) < 4:
        raise ConfigError("Das Passwort besteht aus zu wenigen verschiedenen Zeichen.")


def hash_password(password: str) -> str:
    check_policy(password)
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches; False for a mismatch, a broken hash or no user."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def generate_password(length: int = 20) -> str:
    """A random password from an alphabet without look-alike characters."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
