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
    """Sign-in is paused for a username after repeated failures."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, -(-retry_after_s // 60))
        super().__init__(
            f"Too many failed sign-ins; try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
