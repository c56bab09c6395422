"""Passwords: judged by how guessable they are (with the words an attacker tries first), kept
only as Argon2id hashes that verify without ever raising."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from app.accounts.passwords import hash_password, needs_rehash, verify_password, weakness


@pytest.mark.parametrize("password", ["correct horse battery staple", "bramblewick42"])
def test_a_hard_to_guess_password_has_no_weakness(password: str) -> None:
    assert weakness(password, []) == ""


@pytest.mark.parametrize(
    ("password", "why"),
    [
        (
            "12345678",
            "This is a top-10 common password. Add another word or two. Uncommon words are better.",
        ),
        (
            "marguerite1987",
            "Common names and surnames are easy to guess. Add another word or two. "
            "Uncommon words are better.",
        ),
    ],
)
def test_a_weak_password_says_why_in_sentences(password: str, why: str) -> None:
    assert weakness(password, []) == why


def test_words_an_attacker_tries_first_make_a_password_weak() -> None:
    assert weakness("bramblewick42", ["", "bramblewick"]) == (
        "Add another word or two. Uncommon words are better."
    )


async def test_a_hash_verifies_its_password_only() -> None:
    hashed = await hash_password("kettle on the hob")
    assert hashed.startswith("$argon2id$") and "kettle" not in hashed
    assert await verify_password(hashed, "kettle on the hob")
    assert not await verify_password(hashed, "kettle on the hob ")
    # Salted: the same password never hashes the same twice.
    assert await hash_password("kettle on the hob") != hashed


@pytest.mark.parametrize("stored", ["!", "", "$argon2id$v=19$m=65536,t=3,p=4$bm90$bm90"])
async def test_a_hash_that_is_not_one_matches_nothing_and_never_raises(stored: str) -> None:
    assert not await verify_password(stored, "anything at all")


async def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    assert not needs_rehash(await hash_password("kettle on the hob"))
    weaker = PasswordHasher(time_cost=1, memory_cost=8192).hash("kettle on the hob")
    assert needs_rehash(weaker)
