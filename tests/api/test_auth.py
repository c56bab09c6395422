"""Bearer tokens: every endpoint but the description needs a good one (a 401 says what is
wrong); failed checks are limited per address, and a burst is held to the limit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.accounts.api_tokens import create_api_token, revoke_api_token
from app.api.routes import build_api
from app.db.session import SessionFactory
from app.settings import get_settings
from tests.support.api_server import serve_api
from tests.support.people import person

GUESSES = 30


def _from(address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_api(), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://hearth.test")


async def test_a_burst_of_wrong_tokens_is_answered_429_past_the_limit(
    api_settings: None, alice: dict[str, str]
) -> None:
    async with _from("203.0.113.9") as guesser, _from("198.51.100.7") as owner:
        answers = await asyncio.gather(
            *(
                guesser.get("/api/threads", headers={"Authorization": f"Bearer hth_guess{i}"})
                for i in range(GUESSES)
            )
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [401] * 10 + [429] * (GUESSES - 10)
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert 0 < int(refused.headers["retry-after"]) <= 61
        assert "Too many failed API tokens; try again in" in refused.json()["error"]["message"]
        # While the guesser waits, even a good token from there is refused; elsewhere it works.
        assert (await guesser.get("/api/threads", headers=alice)).status_code == 429
        assert (await owner.get("/api/threads", headers=alice)).status_code == 200


@pytest.mark.parametrize(("hops", "limited"), [("0", "10.0.0.2"), ("1", "203.0.113.9")])
async def test_forwarded_for_names_the_address_only_behind_a_trusted_proxy(
    api_settings: None, monkeypatch: pytest.MonkeyPatch, hops: str, limited: str
) -> None:
    """Behind one trusted proxy the client's address is the one it appended, so guesses from
    two clients through the same proxy are counted apart; without, the header is ignored."""
    monkeypatch.setenv("HEARTH_TRUSTED_PROXY_HOPS", hops)
    get_settings.cache_clear()
    async with _from("10.0.0.2") as proxy:
        for i in range(11):
            await proxy.get(
                "/api/threads",
                headers={"Authorization": f"Bearer hth_{i}", "X-Forwarded-For": "203.0.113.9"},
            )
        other = await proxy.get(
            "/api/threads",
            headers={"Authorization": "Bearer hth_x", "X-Forwarded-For": "198.51.100.7"},
        )
    assert other.status_code == (429 if limited == "10.0.0.2" else 401)


async def test_two_api_processes_share_the_limit(database_url: str, tmp_path: Path) -> None:
    """Two real servers (two workers) on one database, 30 guesses at once split between them."""
    env = {"HEARTH_DATABASE_URL": database_url}
    with (
        serve_api(env, tmp_path / "one.log") as one,
        serve_api(env, tmp_path / "two.log") as two,
    ):
        async with httpx.AsyncClient(timeout=30) as client:
            answers = await asyncio.gather(
                *(
                    client.get(
                        f"{(one, two)[i % 2]}/api/threads",
                        headers={"Authorization": f"Bearer hth_guess{i}"},
                    )
                    for i in range(GUESSES)
                )
            )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 10 + [429] * (GUESSES - 10)


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("", "No API token"),
        ("Basic abc", "not a bearer token"),
        ("Bearer hth_nope", "unknown or was revoked"),
    ],
)
async def test_without_a_good_token_everything_is_401(
    client: httpx.AsyncClient, header: str, says: str
) -> None:
    headers = {"Authorization": header} if header else {}
    for method, path in (("POST", "/api/chat"), ("GET", "/api/threads"), ("GET", "/api/threads/1")):
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 401
        assert says in response.json()["error"]["message"]
        assert response.headers["www-authenticate"] == "Bearer"


async def test_a_revoked_token_stops_working(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        user_id = await person(session, "carol")
        row, token = await create_api_token(session, user_id, "old laptop")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/threads", headers=headers)).status_code == 200
    async with sessions() as session:
        await revoke_api_token(session, user_id, row.id or 0)
    assert (await client.get("/api/threads", headers=headers)).status_code == 401
