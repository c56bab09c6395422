"""Passwords: strength judged by zxcvbn (a maintained estimator of how guessable a password
is), hashing with Argon2id off the event loop (a hash costs ~100 ms of CPU)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_HASHER = PasswordHasher()
# zxcvbn's 3: "safely unguessable", about 10^8 guesses or more.
MIN_STRENGTH = 3
# zxcvbn's time grows with the length; past this many characters a password is long anyway.
_JUDGED_CHARS = 100


def weakness(password: str, context: list[str]) -> str:
    """Why the password is too easy to guess (from zxcvbn's feedback), or "" if it is not.
    `context` holds words an attacker would try first (the username, the app's name)."""
    judged = zxcvbn(password[:_JUDGED_CHARS], user_inputs=[w for w in context if w])
    if judged["score"] >= MIN_STRENGTH:
        return ""
    feedback = judged["feedback"]
    reasons = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    return " ".join(r.rstrip(".") + "." for r in reasons if r)


async def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash (never raises for a mismatch)."""

    def verify() -> bool:
        try:
            return _HASHER.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
