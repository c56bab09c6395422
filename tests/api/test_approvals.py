"""`POST /api/approvals/{id}`: only the thread's owner answers, once, with a clear refusal
otherwise (the round trips with the clients are in test_js_clients.py)."""

from __future__ import annotations

import httpx
import pytest

from app.assistant.threads import create_thread
from app.db.models import ToolCall
from app.db.session import SessionFactory
from tests.support.people import person, waiting_for_approval


async def _waiting_call(sessions: SessionFactory, owner: str = "alice") -> int:
    """A set_room_temperature call of `owner`'s waiting for an answer."""
    async with sessions() as session:
        user_id = await person(session, owner)
        thread = await create_thread(session, user_id)
        _, call = await waiting_for_approval(
            session,
            thread.id or 0,
            user_id,
            "kitchen to 19",
            "call_k",
            '{"room": "kitchen", "celsius": 19}',
        )
        return call.id or 0


async def _status(sessions: SessionFactory, call_id: int) -> str:
    async with sessions() as session:
        call = await session.get(ToolCall, call_id)
        assert call is not None
        return call.status


@pytest.mark.parametrize(("approved", "status"), [(True, "running"), (False, "denied")])
async def test_the_owner_answers_once(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    sessions: SessionFactory,
    approved: bool,
    status: str,
) -> None:
    call_id = await _waiting_call(sessions)
    url = f"/api/approvals/{call_id}"
    answered = await client.post(url, json={"approved": approved}, headers=alice)
    assert answered.status_code == 200
    assert answered.json() == {"approvalId": str(call_id), "approved": approved}
    assert await _status(sessions, call_id) == status
    again = await client.post(url, json={"approved": not approved}, headers=alice)
    assert again.status_code == 409
    said = "it was approved" if approved else "it was denied"
    assert again.json()["error"]["message"] == f"This request is no longer waiting: {said}."
    assert await _status(sessions, call_id) == status


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "approved: must be true (approve) or false (deny)."),
        ({"approved": "yes"}, "approved: must be true (approve) or false (deny)."),
        ([True], "approved: must be true (approve) or false (deny)."),
    ],
)
async def test_a_bad_answer_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    sessions: SessionFactory,
    body: object,
    says: str,
) -> None:
    call_id = await _waiting_call(sessions)
    refused = await client.post(f"/api/approvals/{call_id}", json=body, headers=alice)
    assert refused.status_code == 400
    assert refused.json()["error"] == {"message": says, "field": "approved"}
    assert await _status(sessions, call_id) == "awaiting_approval"


async def test_an_empty_body_says_what_to_send(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    call_id = await _waiting_call(sessions)
    refused = await client.post(
        f"/api/approvals/{call_id}",
        content=b"",
        headers={**alice, "Content-Type": "application/json"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        'body: is empty; send {"approved": true} or {"approved": false}.'
    )
    assert await _status(sessions, call_id) == "awaiting_approval"


async def test_another_persons_or_an_unknown_approval_is_404(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    bobs = await _waiting_call(sessions, owner="bob")
    for approval_id in (str(bobs), "999999", "not-a-number"):
        refused = await client.post(
            f"/api/approvals/{approval_id}", json={"approved": True}, headers=alice
        )
        assert refused.status_code == 404
        message = refused.json()["error"]["message"]
        assert message == f"There is no approval '{approval_id}' in your threads."
    assert await _status(sessions, bobs) == "awaiting_approval"


async def test_without_a_token_it_is_401(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    call_id = await _waiting_call(sessions)
    refused = await client.post(f"/api/approvals/{call_id}", json={"approved": True})
    assert refused.status_code == 401 and "API token" in refused.json()["error"]["message"]
    assert await _status(sessions, call_id) == "awaiting_approval"
