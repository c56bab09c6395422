"""Account commands: `python -m app.accounts.cli create-admin NAME` (there is no default admin),
and `bootstrap`, run by `make run`: the admin from settings, or how to make the first account."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from app.accounts.errors import AccountError
from app.accounts.users import count_admins, create_user, has_accounts, user_id_for
from app.db.session import create_engine_async, create_session_factory
from app.db.statuses import UserRole
from app.settings import SettingsError, get_settings


async def _create(username: str, password: str, role: UserRole) -> str:
    engine = create_engine_async(get_settings().database_url)
    try:
        async with create_session_factory(engine)() as session:
            user = await create_user(session, username, password, role)
        return user.username
    finally:
        await engine.dispose()


async def bootstrap() -> str:
    """Create the admin named in settings if missing; else say how to make the first account."""
    settings = get_settings()
    engine = create_engine_async(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            name, password = settings.admin_username, settings.admin_password
            if name and password and await user_id_for(session, name) is None:
                user = await create_user(session, name, password.get_secret_value(), UserRole.admin)
                return f"Created the admin '{user.username}' from HEARTH_ADMIN_USERNAME."
            if not await has_accounts(session):
                return (
                    "No accounts yet: sign up in the browser (the first account is the admin),\n"
                    "or create an admin with\n"
                    "  .venv/bin/python -m app.accounts.cli create-admin NAME\n"
                    "(or set HEARTH_ADMIN_USERNAME and HEARTH_ADMIN_PASSWORD before make run)."
                )
            if not await count_admins(session):
                return (
                    "No admin yet: .venv/bin/python -m app.accounts.cli create-admin NAME "
                    "creates one."
                )
            return ""
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Create an account; the password comes from HEARTH_NEW_PASSWORD or a prompt."""
    parser = argparse.ArgumentParser(prog="python -m app.accounts.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, role in (("create-admin", "an admin"), ("create-user", "a user")):
        sub = commands.add_parser(command, help=f"create {role} account")
        sub.add_argument("username")
    commands.add_parser("bootstrap", help="create the admin from settings, or say how to")
    args = parser.parse_args(argv)
    if args.command == "bootstrap":
        try:
            message = asyncio.run(bootstrap())
        except (AccountError, SettingsError) as exc:
            print(f"HEARTH_ADMIN_USERNAME / HEARTH_ADMIN_PASSWORD: {exc}", file=sys.stderr)
            return 2
        if message:
            print(message)
        return 0
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
