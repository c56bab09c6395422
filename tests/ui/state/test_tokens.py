"""`/tokens`: a token made with an expiry lists it; a made-up expiry is refused, saying why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.ui.state.tokens import TokensState
from tests.support.events import browsers
from tests.ui.state.conftest import World


async def test_tokens_are_listed_with_their_expiry(world: World) -> None:
    async with browsers() as tab:
        alice = tab("alice")
        await alice.sign_in_with(world.alice)
        await alice.send(TokensState.create({"name": "week", "expires_in_days": "7"}))
        await alice.send(TokensState.create({"name": "always", "expires_in_days": ""}))
        await alice.send(TokensState.create({"name": "odd", "expires_in_days": "soon"}))
        state = await alice.state(TokensState)
        assert (
            state.name_error == "A token lasts 1 to 3650 days, or never expires; got 'soon' days."
        )
        expiries = {row.name: row.expires for row in state.tokens}
    # ISO UTC (the page shows it in the reader's zone); "" is never.
    assert expiries["always"] == ""
    week = datetime.fromisoformat(expiries["week"])
    assert week.utcoffset() == timedelta(0) and len(expiries) == 2
    assert timedelta(days=6.99) < week - datetime.now(UTC) <= timedelta(days=7)
