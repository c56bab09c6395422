"""Admins and accounts: sign-up open or closed, people created and promoted, and the audit
trail of sign-ins, lockouts, sign-ups, roles and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.accounts.audit import recent_events
from app.accounts.errors import AccountError
from app.accounts.signup import (
    create_person,
    list_people,
    set_role,
    set_signup_open,
    signup_is_open,
)
from app.db.models import User
from app.db.statuses import UserRole
from app.services import get_services
from app.ui.moments import iso_utc
from app.ui.state.admin import AdminState
from app.ui.state.auth import admin_only

AUDIT_ROWS = 200


@dataclass
class PersonRow:
    """One account as the People tab lists it."""

    username: str
    role: str
    created: str


@dataclass
class AuditView:
    """One audit event, formatted."""

    id: int
    when: str
    kind: str
    username: str
    actor: str
    source: str
    detail: str


class PeopleAdminState(AdminState):
    """The People tab (accounts, sign-up) and the Activity tab (the audit trail)."""

    people: list[PersonRow] = []
    signup_open: bool = True
    create_error: str = ""
    audit: list[AuditView] = []

    async def _load_people(self) -> None:
        services = get_services()
        async with services.sessions() as session:
            people = await list_people(session)
            self.signup_open = await signup_is_open(session, services.settings.signup == "open")
        self.people = [PersonRow(p.username, p.role, iso_utc(p.created_at)) for p in people]

    @rx.event
    @admin_only
    async def load_people(self, user: User):
        """Read every account and whether sign-up is open."""
        await self._load_people()
        return

    @rx.event
    @admin_only
    async def set_signup(self, user: User, is_open: bool):
        """Open or close sign-up (the switch wins over HEARTH_SIGNUP)."""
        async with get_services().sessions() as session:
            await set_signup_open(session, bool(is_open), user)
        await self._load_people()
        if self.signup_open:
            return rx.toast.success("Sign-up is open: anyone who reaches Hearth can join.")
        return rx.toast.success("Sign-up is closed: only admins create accounts.")

    @rx.event
    @admin_only
    async def create(self, user: User, form_data: dict):
        """Create an account with the typed name, first password and role."""
        role = UserRole.admin if form_data.get("role") == UserRole.admin else UserRole.user
        try:
            async with get_services().sessions() as session:
                person = await create_person(
                    session,
                    str(form_data.get("username", "")),
                    str(form_data.get("password", "")),
                    role,
                    user,
                )
        except AccountError as exc:
            self.create_error = str(exc)
            return None
        self.create_error = ""
        await self._load_people()
        return rx.toast.success(
            f"Created {role} '{person.username}'; give them the password to sign in."
        )

    @rx.event
    @admin_only
    async def change_role(self, user: User, username: str, role: str):
        """Make someone an admin or a user (the last admin stays)."""
        if role not in (UserRole.admin, UserRole.user):
            return rx.toast.error(f"'{role}' is not a role; choose admin or user.")
        try:
            async with get_services().sessions() as session:
                await set_role(session, username, UserRole(role), user)
        except AccountError as exc:
            await self._load_people()
            return rx.toast.error(str(exc))
        await self._load_people()
        return rx.toast.success(f"{username} is now {'an admin' if role == 'admin' else 'a user'}.")

    @rx.event
    @admin_only
    async def load_audit(self, user: User):
        """The newest account events."""
        async with get_services().sessions() as session:
            rows = await recent_events(session, limit=AUDIT_ROWS)
        self.audit = [
            AuditView(
                r.id,
                iso_utc(r.created_at),
                r.kind.replace("_", " "),
                r.username or "—",
                r.actor or "—",
                r.source or "—",
                r.detail,
            )
            for r in rows
        ]
        return
