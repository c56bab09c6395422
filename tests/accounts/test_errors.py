"""Account errors: one root to catch, and messages that carry the value and say what to do."""

from __future__ import annotations

import pytest

from app.accounts import errors
from app.accounts.errors import (
    AccountError,
    InvalidTokenExpiry,
    LastAdmin,
    TooManyAttempts,
    TooManyTokens,
    UnknownPerson,
    UsernameTaken,
)


@pytest.mark.parametrize(
    ("retry_after_s", "wait"),
    [
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "1 minute"),
        # A wait is never told shorter than it is: part of a minute counts as one.
        (61, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_a_lockout_says_how_long_to_wait_in_words(retry_after_s: int, wait: str) -> None:
    error = TooManyAttempts(retry_after_s)
    assert str(error) == f"Too many failed sign-ins; try again in {wait}."
    assert error.retry_after_s == retry_after_s


def test_a_lockout_names_what_was_attempted() -> None:
    assert str(TooManyAttempts(120, "API tokens")) == (
        "Too many failed API tokens; try again in 2 minutes."
    )


def test_a_token_lifetime_out_of_range_quotes_what_was_given() -> None:
    assert str(InvalidTokenExpiry("soon", 3650)) == (
        "A token lasts 1 to 3650 days, or never expires; got 'soon' days."
    )
    assert str(InvalidTokenExpiry(0, 3650)).endswith("got 0 days.")


def test_errors_about_a_person_or_a_limit_name_it() -> None:
    taken = UsernameTaken("carol")
    assert (taken.username, str(taken)) == (
        "carol",
        "The username 'carol' is taken; choose another.",
    )
    assert str(LastAdmin("root")) == "'root' is the only admin; make someone else an admin first."
    assert str(UnknownPerson("zed")) == "There is no account named 'zed'."
    too_many = TooManyTokens(20)
    assert (too_many.limit, str(too_many)) == (
        20,
        "You already have 20 API tokens; revoke one you no longer use first.",
    )


def test_every_account_error_is_caught_as_one() -> None:
    raised = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, Exception) and cls is not AccountError
    ]
    assert len(raised) >= 12
    assert all(issubclass(cls, AccountError) for cls in raised)
