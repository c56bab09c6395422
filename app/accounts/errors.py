"""What can go wrong with accounts; each message says what is allowed."""

from __future__ import annotations


class AccountError(Exception):
    """Root of every error the accounts package raises."""


class InvalidUsername(AccountError):
    """A username that does not follow the rules."""


class UsernameTaken(AccountError):
    """A username someone already has."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"The username '{username}' is taken; choose another.")


class WeakPassword(AccountError):
    """A password too short (or too long) to accept."""


class InvalidCredentials(AccountError):
    """A username and password that do not match (never says which part was wrong)."""

    def __init__(self) -> None:
        super().__init__("Wrong username or password.")


class TooManyAttempts(AccountError):
    """Attempts are paused after repeated failures (from an address, or at a name)."""

    def __init__(self, retry_after_s: int, what: str = "sign-ins") -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"Too many failed {what}; try again in {_duration(retry_after_s)}.")


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class InvalidTokenName(AccountError):
    """An API token name that is empty or too long."""


class InvalidTokenExpiry(AccountError):
    """An API token lifetime out of range."""

    def __init__(self, days: object, max_days: int) -> None:
        super().__init__(
            f"A token lasts 1 to {max_days} days, or never expires; got {days!r} days."
        )


class TooManyTokens(AccountError):
    """A person already has as many live API tokens as allowed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"You already have {limit} API tokens; revoke one you no longer use first."
        )


class TokenNotFound(AccountError):
    """No live API token of this person has that id."""

    def __init__(self) -> None:
        super().__init__("That API token does not exist or was already revoked.")


class SignupClosed(AccountError):
    """Sign-up is closed: only admins create accounts."""

    def __init__(self) -> None:
        super().__init__("Sign-up is closed; ask an admin of this Hearth to create your account.")


class LastAdmin(AccountError):
    """The change would leave no admin."""

    def __init__(self, username: str) -> None:
        super().__init__(f"'{username}' is the only admin; make someone else an admin first.")


class UnknownPerson(AccountError):
    """No account has that username."""

    def __init__(self, username: str) -> None:
        super().__init__(f"There is no account named '{username}'.")
