"""The admin page's People tab (sign-up switch, new accounts, roles) and Activity tab (the
accounts audit trail)."""

from __future__ import annotations

import reflex as rx

from app.ui.state.admin_people import AuditView, PeopleAdminState, PersonRow


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


def _create_form() -> rx.Component:
    def field(label: str, name: str, kind: str = "text") -> rx.Component:
        return rx.vstack(
            rx.el.label(label, html_for=f"new-{name}", class_name="field-label"),
            rx.input(id=f"new-{name}", name=name, type=kind, required=True, width="14em"),
            spacing="1",
        )

    return rx.form(
        rx.vstack(
            rx.heading("Create an account", size="3", as_="h2"),
            rx.hstack(
                field("Username", "username"),
                field("First password", "password", "password"),
                rx.vstack(
                    rx.el.label("Role", html_for="new-role", class_name="field-label"),
                    rx.el.select(
                        rx.el.option("user", value="user"),
                        rx.el.option("admin", value="admin"),
                        id="new-role",
                        name="role",
                        class_name="admin-select",
                    ),
                    spacing="1",
                ),
                rx.button("Create", type="submit"),
                align="end",
                wrap="wrap",
            ),
            rx.cond(
                PeopleAdminState.create_error != "",
                rx.text(PeopleAdminState.create_error, role="alert", color_scheme="red", size="2"),
            ),
            spacing="2",
        ),
        on_submit=PeopleAdminState.create,
        reset_on_submit=True,
    )


def _person_row(person: PersonRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(person.username),
        rx.table.cell(
            rx.segmented_control.root(
                rx.segmented_control.item("user", value="user"),
                rx.segmented_control.item("admin", value="admin"),
                value=person.role,
                on_change=lambda role: PeopleAdminState.change_role(person.username, role),
                size="1",
                aria_label="Role of " + person.username,
            )
        ),
        rx.table.cell(person.created, white_space="nowrap"),
        data_person=person.username,
    )


def people_tab() -> rx.Component:
    """Sign-up, new accounts, and everyone's role."""
    return rx.vstack(
        _signup_switch(),
        _create_form(),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(h) for h in ("Person", "Role", "Since")]
                    )
                ),
                rx.table.body(rx.foreach(PeopleAdminState.people, _person_row)),
                width="100%",
                size="1",
            ),
            overflow_x="auto",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _audit_row(row: AuditView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when, white_space="nowrap"),
        rx.table.cell(row.kind, white_space="nowrap"),
        rx.table.cell(row.username),
        rx.table.cell(row.actor),
        rx.table.cell(row.source, font_family="monospace"),
        rx.table.cell(row.detail, color="var(--gray-11)"),
        data_kind=row.kind,
    )


def activity_tab() -> rx.Component:
    """The newest account events: failed sign-ins, lockouts, sign-ups, roles, API tokens."""
    headers = ("Time (UTC)", "What", "Account", "By", "From", "Detail")
    return rx.vstack(
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(PeopleAdminState.audit, _audit_row)),
                width="100%",
                size="1",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.cond(
            PeopleAdminState.audit.length() == 0,  # type: ignore[attr-defined]
            rx.text("Nothing yet.", color_scheme="gray", size="2"),
        ),
        width="100%",
    )
