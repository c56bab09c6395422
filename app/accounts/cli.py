"""Account commands: `python -m app.accounts.cli create-admin NAME` (there is no default admin)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from app.accounts.errors import AccountError
from app.accounts.users import create_user
from app.db.models import UserRole
from app.db.session import create_engine_async, create_session_factory
from app.settings import SettingsError, get_settings


async def _create(username: str, password: str, role: UserRole) -> str:
    engine = create_engine_async(get_settings().database_url)
    try:
        async with create_session_factory(engine)() as session:
            user = await create_user(session, username, password, role)
        return user.username
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Create an account; the password comes from HEARTH_NEW_PASSWORD or a prompt."""
    parser = argparse.ArgumentParser(prog="python -m app.accounts.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, role in (("create-admin", "an admin"), ("create-user", "a user")):
        sub = commands.add_parser(command, help=f"create {role} account")
        sub.add_argument("username")
    args = parser.parse_args(argv)
    role = UserRole.admin if args.command == "create-admin" else UserRole.user
    password = os.environ.get("HEARTH_NEW_PASSWORD") or getpass.getpass("Password: ")
    try:
        name = asyncio.run(_create(args.username, password, role))
    except (AccountError, SettingsError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Created {role} '{name}'.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
