"""The admin's ledger pages back and forth, and a new filter starts again at page 1."""

from __future__ import annotations

from app.ui.state.admin import LEDGER_PAGE, AdminState
from tests.support.events import browsers
from tests.ui.state.conftest import World


async def test_older_newer_and_a_filter_move_between_pages(world: World) -> None:
    async with browsers() as tab:
        root = tab("root")
        await root.sign_in_with(world.admin)
        await root.send(AdminState.open_admin, "/admin")
        for step in range(LEDGER_PAGE):
            celsius = str(16 + step % 2)
            await root.send(AdminState.set_temperature({"room": "bedroom", "celsius": celsius}))
        admin = await root.state(AdminState)
        newest = [row.id for row in admin.ledger]
        assert (len(newest), admin.page_number, admin.has_older) == (LEDGER_PAGE, 1, True)

        await root.send(AdminState.older)
        admin = await root.state(AdminState)
        # The world's one assistant change is the oldest of the 26.
        assert (admin.page_number, admin.has_older) == (2, False)
        assert [row.id for row in admin.ledger] == [world.effect_id]

        await root.send(AdminState.newer)
        admin = await root.state(AdminState)
        assert admin.page_number == 1 and [row.id for row in admin.ledger] == newest

        await root.send(AdminState.older)
        await root.send(AdminState.set_filter("source", "assistant"))
        admin = await root.state(AdminState)
        assert admin.page_number == 1 and [row.id for row in admin.ledger] == [world.effect_id]
