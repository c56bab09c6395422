"""The admin's People tab (sign-up switch, new accounts, roles) and Activity tab (the
accounts audit trail)."""

from __future__ import annotations

import reflex as rx

from app.ui.components.fields import choice, field, refusal
from app.ui.components.local_time import local_time
from app.ui.components.tables import data_table
from app.ui.state.admin_people import AuditView, PeopleAdminState, PersonRow

ROLES = {"user": "user", "admin": "admin"}
AUDIT_HEADERS = ("Time", "What", "Account", "By", "From", "Detail")


def _signup_switch() -> rx.Component:
    return rx.hstack(
        rx.switch(
            id="signup-switch",
            checked=PeopleAdminState.signup_open,
            on_change=PeopleAdminState.set_signup,
        ),
        rx.el.label("Anyone can sign up", html_for="signup-switch", class_name="field-label"),
        rx.text(
            rx.cond(
                PeopleAdminState.signup_open,
                "Open: the sign-up page creates accounts.",
                "Closed: only admins create accounts (below).",
            ),
            size="2",
            color_scheme="gray",
        ),
        align="center",
        wrap="wrap",
    )


def _new(label: str, name: str, kind: str = "text") -> rx.Component:
    control = rx.input(id=f"new-{name}", name=name, type=kind, required=True, width="14em")
    return field(label, control, html_for=f"new-{name}")


def _role_choice() -> rx.Component:
    control = rx.el.select(
        *[rx.el.option(role, value=role) for role in ROLES],
        id="new-role",
        name="role",
        class_name="admin-select",
    )
    return field("Role", control, html_for="new-role")


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Create an account", size="3", as_="h2"),
            rx.hstack(
                _new("Username", "username"),
                _new("First password", "password", "password"),
                _role_choice(),
                rx.button("Create", type="submit"),
                align="end",
                wrap="wrap",
            ),
            refusal(PeopleAdminState.create_error),
            spacing="2",
        ),
        on_submit=PeopleAdminState.create,
        reset_on_submit=True,
    )


def _person_row(person: PersonRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(person.username),
        rx.table.cell(
            choice(
                ROLES,
                person.role,
                lambda role: PeopleAdminState.change_role(person.username, role),
                "Role of " + person.username,
            )
        ),
        rx.table.cell(local_time(person.created, "date"), white_space="nowrap"),
        data_person=person.username,
    )


def people_tab() -> rx.Component:
    """Sign-up, new accounts, and everyone's role."""
    return rx.vstack(
        _signup_switch(),
        _create_form(),
        data_table(("Person", "Role", "Since"), PeopleAdminState.people, _person_row),
        spacing="4",
        width="100%",
    )


def _audit_row(row: AuditView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(local_time(row.when, "seconds"), white_space="nowrap"),
        rx.table.cell(row.kind, white_space="nowrap"),
        rx.table.cell(row.username),
        rx.table.cell(row.actor),
        rx.table.cell(row.source, font_family="monospace"),
        rx.table.cell(row.detail, color="var(--gray-11)"),
        data_kind=row.kind,
    )


def activity_tab() -> rx.Component:
    """The newest account events: failed sign-ins, lockouts, sign-ups, roles, API tokens."""
    return data_table(AUDIT_HEADERS, PeopleAdminState.audit, _audit_row, empty="Nothing yet.")
