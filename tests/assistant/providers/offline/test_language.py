"""The offline assistant in the configured language, through the app's wiring: a German
household (HEARTH_LANGUAGE=de, its rooms renamed in German) is answered in German."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from app.db.models import Effect
from app.home.rooms import rename_room
from app.services import Services, build_services
from app.settings import Settings
from tests.assistant.providers.offline.test_provider import Chat
from tests.support.people import owned_thread


@pytest.fixture
async def german_services(database_url: str) -> AsyncIterator[Services]:
    """The app's wiring for a German household: HEARTH_LANGUAGE=de, rooms renamed."""
    built = build_services(
        Settings(database_url=database_url, language="de", offline_chunk_delay_s=0)
    )
    async with built.sessions() as session:
        await rename_room(session, "kitchen", "küche")
        await rename_room(session, "bedroom", "schlafzimmer")
    yield built
    await built.feed.close()
    await built.sessions.kw["bind"].dispose()


async def test_a_german_household_is_answered_in_german_through_the_apps_wiring(
    german_services: Services,
) -> None:
    async with german_services.sessions() as session:
        thread = await owned_thread(session)
    chat = Chat(german_services.runner, thread.id or 0)
    assert await chat.ask("Kannst du bitte die Küche auf 19,5 Grad stellen?") == (
        "Erledigt: in der Küche sind es jetzt 19,5 °C, 2,5 Grad kühler als vorher (22 °C)."
    )
    assert await chat.ask("und das Schlafzimmer?") == "Im Schlafzimmer sind es 20 °C."
    assert chat.tools == ["get_room_temperature"]
    async with german_services.sessions() as session:
        effect = (await session.exec(select(Effect))).one()
    assert (effect.room_name, effect.old_celsius, effect.new_celsius) == ("küche", 22, 19.5)
    help_text = await chat.ask("Öffne das Fenster in der Küche")
    assert help_text.startswith("Das habe ich leider nicht verstanden. Ich kann nur Raum")
    offered = ("Stell die Küche auf 20 Grad", "Mach die Küche 2 Grad wärmer")
    assert chat.suggested[0][:2] == offered
    for example in chat.suggested[0]:
        await chat.ask(example)
        assert "set_room_temperature" in chat.tools, example
        assert chat.suggested[0][0] == "Mach das rückgängig", example


async def test_a_german_refusal_says_the_range_in_german(german_services: Services) -> None:
    async with german_services.sessions() as session:
        thread = await owned_thread(session)
    chat = Chat(german_services.runner, thread.id or 0)
    assert await chat.ask("Stell die Küche auf 40 Grad") == (
        "Das ging leider nicht: für die Küche sind nur 5 bis 35 °C erlaubt, nicht 40 °C."
    )
    assert await chat.ask("Stell die Küche auf 40 und das Schlafzimmer auf 18,5 Grad") == (
        "Das ging leider nicht: für die Küche sind nur 5 bis 35 °C erlaubt, nicht 40 °C. "
        "Erledigt: im Schlafzimmer sind es jetzt 18,5 °C, 1,5 Grad kühler als vorher (20 °C)."
    )
