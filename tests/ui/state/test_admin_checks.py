"""Every admin event refuses a non-admin (sent straight to the handlers), and works for an admin."""

from __future__ import annotations

from sqlmodel import select

from app.db.models import AppSetting, AuditEvent, Effect, Room, ToolPolicy, User
from app.db.session import SessionFactory
from app.ui.state.admin import AdminState
from app.ui.state.admin_manage import (
    AdminThreadState,
    FeedbackAdminState,
    RoomsAdminState,
    ToolsAdminState,
)
from app.ui.state.admin_people import PeopleAdminState
from tests.support.events import Browser, browsers
from tests.ui.state.conftest import World

NEW_ROOM = {"name": "attic", "celsius": "15", "min_celsius": "5", "max_celsius": "30"}
NEW_PERSON = {"username": "newcomer", "password": "kettle on the hob", "role": "user"}


async def _everything_an_admin_can_do(tab: Browser, world: World) -> None:
    await tab.send(AdminState.open_admin, "/admin")
    await tab.send(AdminState.show_changes)
    await tab.send(AdminState.set_filter("source", "assistant"))
    await tab.send(AdminState.show_chart("kitchen"))
    await tab.send(AdminState.undo(world.effect_id))
    await tab.send(AdminState.set_temperature({"room": "bedroom", "celsius": "24"}))
    await tab.send(RoomsAdminState.add(NEW_ROOM))
    await tab.send(RoomsAdminState.start_edit("living room"))
    await tab.send(
        RoomsAdminState.save_edit({"name": "lounge", "min_celsius": "10", "max_celsius": "30"})
    )
    await tab.send(RoomsAdminState.start_remove("bathroom"))
    await tab.send(RoomsAdminState.confirm_remove)
    await tab.send(ToolsAdminState.set_mode("set_room_temperature", "ask"))
    await tab.send(ToolsAdminState.load_tools)
    await tab.send(FeedbackAdminState.load_feedback)
    await tab.send(PeopleAdminState.set_signup(False))
    await tab.send(PeopleAdminState.create(NEW_PERSON))
    await tab.send(PeopleAdminState.change_role("owner", "admin"))
    await tab.send(PeopleAdminState.load_people)
    await tab.send(PeopleAdminState.load_audit)
    await tab.send(
        AdminThreadState.open_thread,
        "/admin/thread/[admin_thread_id]",
        admin_thread_id=str(world.thread_id),
    )


async def _rooms(sessions: SessionFactory) -> dict[str, float]:
    async with sessions() as session:
        return {r.name: r.celsius for r in (await session.exec(select(Room))).all()}


async def test_a_non_admin_is_refused_everything(world: World, sessions: SessionFactory) -> None:
    before = await _rooms(sessions)
    async with browsers() as tab:
        mallory = tab("mallory")
        await mallory.sign_in_with(world.mallory)
        await _everything_an_admin_can_do(mallory, world)
        admin = await mallory.state(AdminState)
        assert admin.board == [] and admin.ledger == [] and admin.usernames == []
        assert admin.chart_points == []
        assert (await mallory.state(ToolsAdminState)).tools == []
        assert (await mallory.state(FeedbackAdminState)).feedback == []
        assert (await mallory.state(AdminThreadState)).thread_messages == []
        rooms = await mallory.state(RoomsAdminState)
        assert rooms.editing == "" and rooms.removing == ""
        people = await mallory.state(PeopleAdminState)
        assert people.people == [] and people.audit == []
    assert await _rooms(sessions) == before
    async with sessions() as session:
        assert len((await session.exec(select(Effect))).all()) == 1
        assert (await session.exec(select(ToolPolicy))).all() == []
        assert (await session.exec(select(AppSetting))).all() == []
        assert (await session.exec(select(AuditEvent))).all() == []
        roles = {u.username: u.role for u in (await session.exec(select(User))).all()}
        assert roles == {"owner": "user", "mallory": "user", "root": "admin"}


async def test_an_admin_can_do_all_of_it(world: World, sessions: SessionFactory) -> None:
    async with browsers() as tab:
        root = tab("root")
        await root.sign_in_with(world.admin)
        await _everything_an_admin_can_do(root, world)
        admin = await root.state(AdminState)
        assert [r.name for r in admin.board] == [
            "attic",
            "bedroom",
            "home office",
            "kitchen",
            "lounge",
        ]
        assert admin.chart_points and admin.usernames == ["mallory", "owner", "root"]
        assert [
            t.mode for t in (await root.state(ToolsAdminState)).tools if t.name.startswith("set")
        ] == ["ask"]
        thread = await root.state(AdminThreadState)
        assert thread.thread_owner == "owner" and len(thread.thread_messages) == 4
        people = await root.state(PeopleAdminState)
        assert people.signup_open is False and people.create_error == ""
        assert {(p.username, p.role) for p in people.people} >= {
            ("newcomer", "user"),
            ("owner", "admin"),
        }
        assert [a.kind for a in people.audit] == [
            "role changed",
            "account created",
            "signup closed",
        ]
        assert people.audit[0].actor == "root" and people.audit[0].detail == "user → admin"
    rooms = await _rooms(sessions)
    assert rooms["bedroom"] == 24 and rooms["kitchen"] == 22 and "bathroom" not in rooms
    async with sessions() as session:
        sources = [e.source for e in (await session.exec(select(Effect))).all()]
        assert sources == ["assistant", "undo", "admin"]
