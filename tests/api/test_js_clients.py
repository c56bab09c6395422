"""`POST /api/chat` decoded by the clients' own code: assistant-ui's data stream runtime
pipeline and the AI SDK's `useChat` (`AbstractChat`), run by Node against a real server, with
a fake OpenAI-compatible model behind it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from app.accounts.api_tokens import create_api_token
from app.assistant.approvals import set_tool_mode
from app.assistant.threads import create_thread
from app.assistant.tools import home_tool_registry
from app.db.models import Effect, Message, Room, Run, ToolCall
from app.db.session import SessionFactory
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.api_server import run_client, serve_api
from tests.support.offline import help_examples
from tests.support.people import person
from tests.support.waits import wait_until

EXAMPLES = help_examples("hello")


SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")


@pytest.fixture
def api(database_url: str, fake: FakeOpenAI, tmp_path: Path) -> Iterator[str]:
    with serve_api(
        {"HEARTH_DATABASE_URL": database_url, **fake.app_env()}, tmp_path / "api.log"
    ) as url:
        yield url


@pytest.fixture
async def token(sessions: SessionFactory) -> str:
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, "alice"), "tests")
    return token


def _text(parts: list[dict], kind: str = "text") -> str:
    return "".join(p["text"] for p in parts if p["type"] == kind)


@pytest.mark.parametrize("protocol", ["", "ui-message-stream"])
async def test_assistant_ui_text(api: str, token: str, fake: FakeOpenAI, protocol: str) -> None:
    """By default assistant-ui gets the data stream; asked by query, the UI message stream
    (assistant-ui reads either, by the response header)."""
    fake.script(Turn(text=["Hel", "lo ", "there."], usage=(30, 4)))
    out = run_client("assistant-ui", api, token, "chat-1", say="hi", protocol=protocol)
    assert out["protocol"] == (protocol or "data-stream") and out["threadId"] == "chat-1"
    message = out["message"]
    assert _text(message["content"]) == "Hello there."
    assert message["status"] == {"type": "complete", "reason": "stop"}
    if not protocol:  # the data stream's step finish carries the step's usage
        usage = message["metadata"]["steps"][0]["usage"]
        assert usage == {"promptTokens": 30, "completionTokens": 4}
    assert fake.requests[0]["body"]["messages"][-1] == {"role": "user", "content": "hi"}


async def test_assistant_ui_tool_call_result_and_effect(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Kitchen is 19 °C."]))
    out = run_client("assistant-ui", api, token, "chat-2", say="kitchen to 19")
    content = out["message"]["content"]
    call = next(p for p in content if p["type"] == "tool-call")
    assert (call["toolCallId"], call["toolName"], call["args"]) == (
        "call_k",
        "set_room_temperature",
        {"room": "kitchen", "celsius": 19},
    )
    assert call["argsText"] == SET_KITCHEN.arguments
    assert (call["result"]["celsius"], call["result"]["previous_celsius"]) == (19, 22)
    assert _text(content) == "Kitchen is 19 °C."
    (effect,) = out["message"]["metadata"]["unstable_data"]
    assert (effect["type"], effect["room"], effect["old_celsius"], effect["new_celsius"]) == (
        "effect",
        "kitchen",
        22,
        19,
    )
    assert len(out["message"]["metadata"]["steps"]) == 2
    async with sessions() as session:
        ledger = (await session.exec(select(Effect))).one()
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
    assert (ledger.id, kitchen.celsius) == (effect["effect_id"], 19)


async def test_use_chat_text_then_a_second_turn_in_the_same_thread(
    api: str, token: str, fake: FakeOpenAI
) -> None:
    fake.script(Turn(text=["One."], usage=(10, 2)), Turn(text=["Two."], usage=(20, 3)))
    out = run_client("use-chat", api, token, "chat-3", say="first||second")
    assert out["protocol"] == "ui-message-stream" and out["chatStatus"] == "ready"
    assert out["errors"] == []
    roles = [m["role"] for m in out["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert [_text(m["parts"]) for m in out["messages"]] == ["first", "One.", "second", "Two."]
    metadata = out["messages"][-1]["metadata"]
    assert metadata["threadId"] == "chat-3" and metadata["status"] == "completed"
    assert metadata["usage"] == {"inputTokens": 20, "outputTokens": 3, "totalTokens": 23}
    # Hearth keeps the history: the second request to the model carries the first turn.
    second = fake.requests[1]["body"]["messages"]
    assert [m["content"] for m in second if m["role"] != "system"] == ["first", "One.", "second"]


async def test_use_chat_tool_call_effect_and_steps(api: str, token: str, fake: FakeOpenAI) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done: 19 °C."]))
    out = run_client("use-chat", api, token, "chat-4", say="kitchen to 19")
    parts = out["messages"][-1]["parts"]
    kinds = [p["type"] for p in parts]
    assert kinds == [
        "step-start",
        "tool-set_room_temperature",
        "data-effect",
        "step-start",
        "text",
    ]
    tool = parts[1]
    assert tool["state"] == "output-available" and tool["toolCallId"] == "call_k"
    assert tool["input"] == {"room": "kitchen", "celsius": 19}
    assert tool["output"]["celsius"] == 19
    assert parts[2]["data"]["room"] == "kitchen" and parts[2]["data"]["new_celsius"] == 19
    assert [d["type"] for d in out["data"]] == ["data-effect"]


async def test_a_failed_run_is_an_error_part(api: str, token: str, fake: FakeOpenAI) -> None:
    fake.script(*[Turn(status=400)] * 2)
    ui = run_client("use-chat", api, token, "chat-5", say="hi")
    assert ui["chatStatus"] == "error" and len(ui["errors"]) == 1
    assert "400" in ui["errors"][0] or "model" in ui["errors"][0].lower()
    aui = run_client("assistant-ui", api, token, "chat-6", say="hi")
    assert aui["message"]["status"]["type"] == "incomplete"
    assert aui["message"]["status"]["reason"] == "error"


LOCATE = Call("get_device_location", '{"precision": "city"}', "call_loc")
LYON = {"city": "Lyon", "precision": "city"}


async def _round_trip_stored(sessions: SessionFactory) -> None:
    """Both runs completed; the client's call holds its result."""
    async with sessions() as session:
        runs = (await session.exec(select(Run).order_by(col(Run.id)))).all()
        call = (await session.exec(select(ToolCall))).one()
    assert [r.status for r in runs] == ["completed", "completed"]
    assert (call.name, call.status, call.result) == ("get_device_location", "done", LYON)


def _model_saw_the_result(fake: FakeOpenAI) -> None:
    offered = [t["function"]["name"] for t in fake.requests[0]["body"]["tools"]]
    assert "get_device_location" in offered and "set_room_temperature" in offered
    answer = next(m for m in fake.requests[1]["body"]["messages"] if m["role"] == "tool")
    assert answer["tool_call_id"] == "call_loc" and json.loads(answer["content"]) == LYON


@pytest.mark.parametrize("protocol", ["", "ui-message-stream"])
async def test_assistant_ui_frontend_tool_round_trip(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory, protocol: str
) -> None:
    fake.script(Turn(calls=[LOCATE]), Turn(text=["You are ", "in Lyon."]))
    out = run_client("assistant-ui-tool", api, token, "chat-10", "where am I?", protocol)
    assert [r["status"] for r in out["rounds"]] == [200, 200]
    content = out["message"]["content"]
    call = next(p for p in content if p["type"] == "tool-call")
    assert (call["toolName"], call["args"], call["result"]) == (
        "get_device_location",
        {"precision": "city"},
        LYON,
    )
    assert _text(content) == "You are in Lyon."
    assert out["message"]["status"] == {"type": "complete", "reason": "stop"}
    _model_saw_the_result(fake)
    await _round_trip_stored(sessions)


async def test_use_chat_frontend_tool_round_trip(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    fake.script(Turn(calls=[LOCATE]), Turn(text=["You are ", "in Lyon."]))
    out = run_client("use-chat-tool", api, token, "chat-11", say="where am I?")
    assert out["errors"] == [] and out["chatStatus"] == "ready"
    assert out["requests"] == [200, 200] and out["toolCalls"] == ["get_device_location"]
    (user, reply) = out["messages"]
    assert user["role"] == "user"
    assert [p["type"] for p in reply["parts"]] == [
        "step-start",
        "tool-get_device_location",
        "step-start",
        "text",
    ]
    tool = reply["parts"][1]
    assert (tool["state"], tool["input"], tool["output"]) == (
        "output-available",
        {"precision": "city"},
        LYON,
    )
    assert _text(reply["parts"]) == "You are in Lyon."
    _model_saw_the_result(fake)
    await _round_trip_stored(sessions)


async def _ask_first(sessions: SessionFactory) -> None:
    """The admin sets set_room_temperature to "ask first"."""
    async with sessions() as session:
        admin = await person(session, "admin")
        known = [spec.name for spec in home_tool_registry().specs]
        await set_tool_mode(session, "set_room_temperature", "ask", known, admin)


async def _kitchen_and_call(sessions: SessionFactory) -> tuple[float, ToolCall]:
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        call = (await session.exec(select(ToolCall))).one()
    return kitchen.celsius, call


@pytest.mark.parametrize("approve", [True, False])
async def test_use_chat_ask_first_answered_over_http(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory, approve: bool
) -> None:
    await _ask_first(sessions)
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Answered."]))
    out = run_client("use-chat-approve", api, token, "chat-12", "kitchen to 19", approve=approve)
    assert out["errors"] == [] and out["chatStatus"] == "ready"
    (answer,) = out["answered"]
    assert answer["status"] == 200
    tool = next(p for p in out["messages"][-1]["parts"] if p["type"] == "tool-set_room_temperature")
    # The stream's own approval chunks moved the part: requested, responded, then its outcome.
    assert tool["approval"] == {"id": answer["approvalId"], "approved": approve}
    assert tool["state"] == ("output-available" if approve else "output-denied")
    assert _text(out["messages"][-1]["parts"]) == "Answered."
    celsius, call = await _kitchen_and_call(sessions)
    assert str(call.id) == answer["approvalId"] and call.call_id == tool["toolCallId"]
    assert (celsius, call.status) == ((19, "done") if approve else (22, "denied"))
    told = next(m for m in fake.requests[1]["body"]["messages"] if m["role"] == "tool")
    assert ("denied" in told["content"].lower()) is not approve
    # Loaded again later, the thread's history says what the stream said.
    history = httpx.get(f"{api}/api/threads/chat-12", headers={"Authorization": f"Bearer {token}"})
    stored = next(p for p in history.json()["messages"][-1]["parts"] if p["type"] == tool["type"])
    assert stored["state"] == tool["state"]


@pytest.mark.parametrize("protocol", ["", "ui-message-stream"])
async def test_assistant_ui_ask_first_answered_over_http(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory, protocol: str
) -> None:
    await _ask_first(sessions)
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Kitchen is 19 °C."]))
    out = run_client("assistant-ui-approve", api, token, "chat-13", "kitchen to 19", protocol)
    (answer,) = out["answered"]
    assert answer["status"] == 200
    # The data stream sends data parts as they are; the UI message stream as `{name, data}`.
    data = [
        {"type": d["name"], **d["data"]} if "name" in d else d
        for d in out["message"]["metadata"]["unstable_data"]
    ]
    approvals = [d for d in data if d["type"] == "approval"]
    assert [a["state"] for a in approvals] == ["waiting", "approved"]
    assert approvals[0]["tool_call_id"] == "call_k" and approvals[0]["tool"] == SET_KITCHEN.name
    call = next(p for p in out["message"]["content"] if p["type"] == "tool-call")
    assert call["result"]["celsius"] == 19
    assert _text(out["message"]["content"]) == "Kitchen is 19 °C."
    celsius, stored = await _kitchen_and_call(sessions)
    assert (celsius, stored.status, str(stored.id)) == (19, "done", answer["approvalId"])


@pytest.mark.parametrize("scenario", ["assistant-ui-abort", "use-chat-abort"])
async def test_abort_mid_stream_keeps_the_text_and_the_server_goes_on(
    scenario: str, api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    words = [f"word{i} " for i in range(200)]
    fake.script(Turn(text=words, delay_s=0.02), Turn(text=["Still here."]))
    run_client(scenario, api, token, "chat-7", say="talk")

    async def cancelled() -> bool:
        async with sessions() as session:
            return (await session.exec(select(Run))).one().status == "cancelled"

    await wait_until(cancelled, "the aborted run was cancelled", 10, every_s=0.1)
    async with sessions() as session:
        reply = (await session.exec(select(Message).where(Message.role == "assistant"))).one()
    kept = _text(reply.parts)
    assert kept.startswith("word0 word1 ") and len(kept) < len("".join(words))
    after = run_client("use-chat", api, token, "chat-8", say="again")
    assert _text(after["messages"][-1]["parts"]) == "Still here."


async def test_auth_failures(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    missing = run_client("assistant-ui", api, "", "chat-9", say="hi")
    assert missing["status"] == 401 and "API token" in missing["body"]["error"]["message"]
    wrong = run_client("assistant-ui", api, "hth_not-a-token", "chat-9", say="hi")
    assert wrong["status"] == 401 and "unknown or was revoked" in wrong["body"]["error"]["message"]
    async with sessions() as session:
        bob = await person(session, "bob")
        bobs = await create_thread(session, bob)
    other = run_client("assistant-ui", api, token, str(bobs.id), say="hi")
    assert other["status"] == 404 and fake.requests == []


@pytest.fixture
def offline_api(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The API with no model configured: the offline assistant answers."""
    env = {"HEARTH_DATABASE_URL": database_url, "HEARTH_OFFLINE_CHUNK_DELAY_S": "0"}
    with serve_api(env, tmp_path / "api.log") as url:
        yield url


async def test_suggestions_reach_both_clients_as_data(offline_api: str, token: str) -> None:
    ui = run_client("use-chat", offline_api, token, "chat-s1", say="hello")
    assert ui["errors"] == [] and ui["chatStatus"] == "ready"
    offered = [p for p in ui["messages"][-1]["parts"] if p["type"] == "data-suggestions"]
    assert [p["data"] for p in offered] == [{"texts": list(EXAMPLES)}]
    aui = run_client("assistant-ui", offline_api, token, "chat-s2", say="hello")
    assert aui["message"]["status"] == {"type": "complete", "reason": "stop"}
    (data,) = aui["message"]["metadata"]["unstable_data"]
    assert (data["type"], data["texts"]) == ("suggestions", list(EXAMPLES))


async def test_use_chat_regenerate_and_edit_make_branches(
    api: str, token: str, fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    """useChat's `regenerate()` and `sendMessage({messageId})` map onto Hearth's branches:
    the question is never stored twice, the model sees only the branch shown, and
    `GET /api/threads/{id}` returns that branch."""
    fake.script(*(Turn(text=[reply]) for reply in ("One.", "Two.", "Three.", "Four.")))
    out = run_client("use-chat-branches", api, token, "chat-b", say="first||edited")
    assert out["errors"] == [] and out["chatStatus"] == "ready"
    steps = out["steps"]
    assert [(m["role"], m["text"]) for m in steps["regenerated"]] == [
        ("user", "first"),
        ("assistant", "Two."),
    ]
    assert [m["text"] for m in steps["again"]] == ["first", "Three."]
    assert [m["text"] for m in steps["edited"]] == ["edited", "Four."]
    # Hearth's ids for the replies, so a later `regenerate({messageId})` names one.
    assert steps["again"][1]["id"].startswith("msg-")
    assert [(r["status"], r["trigger"]) for r in out["requests"]] == [
        (200, "submit-message"),
        (200, "regenerate-message"),
        (200, "regenerate-message"),
        (200, "submit-message"),
    ]
    # The model was asked once each time, never with a replaced version.
    seen = [
        [(m["role"], m["content"]) for m in r["body"]["messages"] if m["role"] != "system"]
        for r in fake.requests
    ]
    assert seen == [[("user", "first")]] * 3 + [[("user", "edited")]]
    async with sessions() as session:
        stored = (await session.exec(select(Message).order_by(col(Message.id)))).all()
    assert [m.role for m in stored].count("user") == 2
    assert len(stored) == 6
    thread = httpx.get(
        f"{api}/api/threads/chat-b", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [_text(m["parts"]) for m in thread["messages"]] == ["edited", "Four."]
    # A reply no longer shown cannot be regenerated: the refusal says why.
    refused = httpx.post(
        f"{api}/api/chat",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "id": "chat-b",
            "trigger": "regenerate-message",
            "messageId": steps["sent"][1]["id"],
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "x"}]}],
        },
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "messageId"
    assert "not on the branch" in refused.json()["error"]["message"]


async def test_follow_ups_after_a_change_reach_both_clients_and_undo_that_undoes_it(
    offline_api: str, token: str, sessions: SessionFactory
) -> None:
    follow_ups = ["Undo that", "Make it 1 degree cooler", "How warm is the living room?"]
    ui = run_client("use-chat", offline_api, token, "chat-f1", say="set the kitchen to 20")
    assert ui["errors"] == [] and ui["chatStatus"] == "ready"
    offered = [p for p in ui["messages"][-1]["parts"] if p["type"] == "data-suggestions"]
    assert [p["data"] for p in offered] == [{"texts": follow_ups}]
    # assistant-ui: in the message's data, and in the thread's suggestions through its
    # runtime's suggestion adapter.
    aui = run_client(
        "assistant-ui-suggestions", offline_api, token, "chat-f2", say="set the kitchen to 21"
    )
    (data,) = aui["message"]["metadata"]["unstable_data"][-1:]
    assert (data["type"], data["texts"][0]) == ("suggestions", "Undo that")
    assert [s["prompt"] for s in aui["suggestions"]] == data["texts"]
    # The offer, sent back as written, does what it says: the thread's change is undone.
    again = run_client("use-chat", offline_api, token, "chat-f2", say="Undo that")
    assert again["errors"] == []
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
    assert kitchen.celsius == 20


@pytest.fixture
def suggesting_api(database_url: str, fake: FakeOpenAI, tmp_path: Path) -> Iterator[str]:
    """The API with a model that is asked for follow-ups after its replies."""
    env = {"HEARTH_DATABASE_URL": database_url, **fake.app_env()}
    env["HEARTH_FOLLOW_UPS_TIMEOUT_S"] = "10"
    with serve_api(env, tmp_path / "api.log") as url:
        yield url


@pytest.mark.parametrize("client", ["use-chat", "assistant-ui"])
async def test_a_models_follow_ups_come_after_the_finish_from_their_endpoint(
    suggesting_api: str, token: str, fake: FakeOpenAI, client: str
) -> None:
    """The reply's stream ends with the run (the model takes 3 s to suggest anything), and
    the client reads the follow-ups afterwards: assistant-ui through its suggestion adapter,
    useChat as an app's `onFinish` would."""
    texts = ["Make it warmer", "How warm is the bedroom?"]
    offer = Turn(text=[json.dumps({"follow_ups": texts})], first_delay_s=3)
    fake.script(Turn(text=["Hello there."]), offer)
    out = run_client(f"{client}-suggestions", suggesting_api, token, f"chat-m-{client}", say="hi")
    if client == "use-chat":
        assert out["errors"] == [] and out["chatStatus"] == "ready"
        parts = out["messages"][-1]["parts"]
        assert [p for p in parts if p["type"] == "data-suggestions"] == []
        reply_id = out["messages"][-1]["id"]
        assert out["offered"] == {"messageId": reply_id, "texts": texts}
    else:
        assert out["message"]["status"] == {"type": "complete", "reason": "stop"}
        assert out["message"]["metadata"]["unstable_data"] == []
        assert [s["prompt"] for s in out["suggestions"]] == texts
    # The endpoint waited for them (they came about 3 s after the finish).
    assert out["suggestionsAfterMs"] > 1500
    assert fake.requests[1]["body"]["messages"][0]["content"].startswith("You suggest")
    # Read again once offered: at once, the same.
    again = httpx.get(
        f"{suggesting_api}/api/threads/chat-m-{client}/suggestions",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 200 and again.json()["texts"] == texts


async def test_suggestions_of_a_thread_without_a_reply_or_of_another_person(
    offline_api: str, token: str, sessions: SessionFactory
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with sessions() as session:
        bob = await person(session, "bob")
        bobs = await create_thread(session, bob)
    other = httpx.get(f"{offline_api}/api/threads/{bobs.id}/suggestions", headers=headers)
    assert other.status_code == 404
    missing = httpx.get(f"{offline_api}/api/threads/no-such-chat/suggestions", headers=headers)
    assert missing.status_code == 404
    # The offline assistant's, read back after its reply.
    ui = run_client("use-chat-suggestions", offline_api, token, "chat-s3", say="hello")
    assert ui["offered"]["texts"] == list(EXAMPLES)
    assert ui["offered"]["messageId"] == ui["messages"][-1]["id"]
