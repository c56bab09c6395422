"""The simulated users of bench/load.py: each a socket.io client on Reflex's /_event socket.

A user speaks as a browser tab does (.web/utils/state.js): it connects with its own client
token (a UUID) in the query and the page's hydrate event in the CONNECT packet (carrying the
signed-in session token as the synced localStorage var `hearth_session`, and router data
naming the page), waits for its page to load, sends one prompt, and reassembles the reply as
the page would: Hearth's bare "text" pushes by offset (as assets/hearth_stream_store.mjs does)
and then its final message, the naive app's whole message list from each state delta. Every
token is checked in order and timestamped on arrival (time.time(), the clock the provider
records emission times with).

The users of one process share one asyncio loop; bench/load.py can run several processes
(`serve` below, driven over a pipe: connect, go, close, quit).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

import socketio

from bench.scripted import TOKEN_BYTES, prompt, token

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
AUTH_STATE = f"{ROOT_STATE}.app___ui___state___auth____auth_state"
CHAT_STATE = f"{AUTH_STATE}.app___ui___state___chat____chat_state"
SESSION_TOKEN_VAR = f"{AUTH_STATE}.session_token_rx_state_"
NAIVE_STATE = f"{ROOT_STATE}.naive_app___naive_app____naive_state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
FORM_DATA_KEY = "__reflex_form_data__"  # how state.js sends a form's fields
STREAM_EVENT = "text"  # app/ui/live_runs.py TEXT_EVENT

Pattern = Literal["hearth", "naive"]


@dataclass(frozen=True)
class Frontend:
    """What the compiled frontend sends beside its hydrate event (read from its bundle)."""

    hashes: list[str]
    state_schema: str | None


@dataclass(frozen=True)
class UserSpec:
    """One simulated user: who it is, where it is, and the reply it asks for."""

    tag: str
    pattern: Pattern
    client_token: str
    tokens: int
    pace_ms: float
    start_delay_s: float
    session_token: str = ""
    thread_id: int = 0


@dataclass
class UserResult:
    """What one user saw."""

    tag: str
    connected: bool = False
    connect_s: float = 0.0
    sent_at: float = 0.0
    # (receive time, tokens received in order so far), at every arrival that added tokens.
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    received: int = 0
    # Received in order from the live stream alone (Hearth: before the final message came).
    live_received: int = 0
    done: bool = False
    finished_at: float = 0.0
    final_ok: bool = False
    error: str = ""


@dataclass
class GoReport:
    """One client process's users after a run, and what the process itself cost."""

    users: list[UserResult]
    cpu_s: float
    wall_s: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float


class Reply:
    """A reply reassembled from pieces that carry their offset, checked token by token."""

    def __init__(self) -> None:
        self.text = ""
        self.early: dict[int, str] = {}
        self.good = 0
        self.broken = False

    def _place(self, text: str, offset: int) -> bool:
        if offset > len(self.text):
            self.early[offset] = text
            return False
        self.text += text[len(self.text) - offset :]
        return True

    def push(self, text: str, offset: int) -> None:
        """A piece at an offset: overlaps trimmed, early pieces kept until the gap fills."""
        placed = self._place(text, offset)
        while placed and self.early:
            placed = False
            for at in sorted(self.early):
                if at <= len(self.text):
                    self._place(self.early.pop(at), at)
                    placed = True

    def replace(self, text: str) -> None:
        """The whole text so far (a state delta carries all of it)."""
        self.text, self.early = text, {}

    def check(self) -> int:
        """How many tokens from the start are the right ones (checks only new ones)."""
        while not self.broken and (self.good + 1) * TOKEN_BYTES <= len(self.text):
            at = self.good * TOKEN_BYTES
            if self.text[at : at + TOKEN_BYTES] != token(self.good):
                self.broken = True
                break
            self.good += 1
        return self.good


def expected_text(count: int) -> str:
    """The whole reply the provider streams."""
    return "".join(token(index) for index in range(count))


class SimUser:
    """One browser tab, as far as the server can tell."""

    def __init__(self, spec: UserSpec, url: str, frontend: Frontend) -> None:
        self.spec, self.url, self.frontend = spec, url, frontend
        self.result = UserResult(spec.tag)
        self.reply = Reply()
        self.stream_key = ""
        self.sent = self.running = False
        self.ready = asyncio.Event()
        self.finished = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self.sio.on(STREAM_EVENT, self._on_text, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    def _router_data(self) -> dict[str, Any]:
        if self.spec.pattern == "naive":
            return {"pathname": "/", "asPath": "/"}
        path = f"/chat/{self.spec.thread_id}"
        return {"pathname": path, "asPath": path, "query": {"thread_id": str(self.spec.thread_id)}}

    def _fail(self, error: str) -> None:
        if not self.result.error:
            self.result.error = error
        self.ready.set()
        self.finished.set()

    async def connect(self, timeout_s: float) -> None:
        """Open the socket with the hydrate event, and wait until the page has loaded."""
        payload: dict[str, Any] = {}
        if self.spec.session_token:
            payload["vars"] = {SESSION_TOKEN_VAR: self.spec.session_token}
        if self.frontend.hashes:
            payload["hashes"] = self.frontend.hashes
        hydrate = {"name": HYDRATE, "payload": payload, "router_data": self._router_data()}
        started = time.monotonic()
        try:
            await self.sio.connect(
                f"{self.url}?token={self.spec.client_token}",
                auth={"event": hydrate, "state_schema": self.frontend.state_schema},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                socketio_path="/_event",
                wait_timeout=timeout_s,
            )
            await asyncio.wait_for(self.ready.wait(), timeout_s)
        except Exception as exc:  # reported per user, counted as an error
            self._fail(f"connect: {type(exc).__name__}: {exc}")
            return
        if not self.result.error:
            self.result.connected = True
            self.result.connect_s = time.monotonic() - started

    async def run(self, go_at: float, deadline: float) -> None:
        """Send the prompt at this user's moment, then wait for the whole reply."""
        if not self.result.connected:
            return
        await asyncio.sleep(max(0.0, go_at + self.spec.start_delay_s - time.monotonic()))
        self.sent = True
        self.result.sent_at = time.time()
        try:
            await self.sio.emit("event", self._send_event(), namespace=NAMESPACE)
            await asyncio.wait_for(self.finished.wait(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            self._fail("did not finish in time")
        except Exception as exc:
            self._fail(f"run: {type(exc).__name__}: {exc}")
        self.result.received = self.reply.good

    def _send_event(self) -> dict[str, Any]:
        spec = self.spec
        if spec.pattern == "naive":
            name = f"{NAIVE_STATE}.stream"
            payload: dict[str, Any] = {
                "count": spec.tokens,
                "batch_ms": 0,
                "pace_ms": spec.pace_ms,
                "tag": spec.tag,
            }
        else:
            name = f"{CHAT_STATE}.send"
            text = prompt(spec.tokens, spec.pace_ms, spec.tag)
            payload = {"form_data": {FORM_DATA_KEY: [["message", text]]}}
        return {"name": name, "payload": payload, "router_data": self._router_data()}

    async def close(self) -> None:
        """Close the socket (a tab closed)."""
        if self.sio.connected:
            await self.sio.disconnect()

    def _arrived(self, at: float) -> None:
        before = self.reply.good
        if self.reply.check() > before:
            self.result.arrivals.append((at, self.reply.good))

    def _on_text(self, key: str, text: str, offset: int) -> None:
        at = time.time()
        self.stream_key = self.stream_key or key
        if key != self.stream_key:
            self._fail(f"text under a second stream key {key!r}")
            return
        self.reply.push(text, offset)
        self._arrived(at)

    def _on_update(self, update: dict[str, Any]) -> None:
        at = time.time()
        for event in update.get("events") or []:
            path = (event.get("payload") or {}).get("path", "")
            if event.get("name") == "_redirect" and path.startswith("/login"):
                self._fail("redirected to /login: not signed in")
        delta = update.get("delta") or {}
        if self.spec.pattern == "naive":
            self._naive_delta(delta, at)
        else:
            self._hearth_delta(delta, at)

    def _done(self, at: float) -> None:
        self.result.done, self.result.finished_at = True, at
        self.finished.set()

    def _hearth_delta(self, delta: dict[str, Any], at: float) -> None:
        chat = delta.get(CHAT_STATE)
        if not chat:
            return
        if chat.get("current_thread_id_rx_state_") == self.spec.thread_id:
            self.ready.set()
        run_id = chat.get("running_run_id_rx_state_")
        if run_id and self.sent:
            self.running = True
        elif run_id == 0 and self.running:
            messages = chat.get("messages_rx_state_") or []
            final = "".join(
                part.get("text", "")
                for part in (messages[-1].get("parts") or [] if messages else [])
                if part.get("kind") == "text"
            )
            self.result.final_ok = final == expected_text(self.spec.tokens)
            # The final message shows the whole reply: text the live stream had not shown
            # yet reaches the reader now.
            self.result.live_received = self.reply.good
            if final.startswith(self.reply.text[: self.reply.good * TOKEN_BYTES]):
                self.reply.replace(final)
                self._arrived(at)
            self._done(at)

    def _naive_delta(self, delta: dict[str, Any], at: float) -> None:
        root = delta.get(ROOT_STATE) or {}
        if root.get("is_hydrated_rx_state_") is True:
            self.ready.set()
        naive = delta.get(NAIVE_STATE)
        if not naive or not self.sent:
            return
        messages = naive.get("messages_rx_state_")
        if messages and messages[-1].get("role") == "assistant":
            self.reply.replace(messages[-1].get("content", ""))
            self._arrived(at)
        if naive.get("done_rx_state_") is True:
            self.result.final_ok = self.reply.text == expected_text(self.spec.tokens)
            self.result.live_received = self.reply.good
            self._done(at)

    def _on_disconnect(self, *_reason: Any) -> None:
        if not self.finished.is_set() and self.sent:
            self._fail("disconnected by the server")


async def _loop_lag(samples: list[float], stop: asyncio.Event, every_s: float = 0.05) -> None:
    """How late this process's event loop wakes up (ms): a busy client delays receipts."""
    while not stop.is_set():
        asked = time.monotonic()
        await asyncio.sleep(every_s)
        samples.append((time.monotonic() - asked - every_s) * 1000)


async def _connect_all(users: list[SimUser], concurrency: int, timeout_s: float) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(user: SimUser) -> None:
        async with gate:
            await user.connect(timeout_s)

    await asyncio.gather(*(one(user) for user in users))


async def _go(users: list[SimUser], delay_s: float, timeout_s: float) -> GoReport:
    """Every user sends at its moment; returns when all replies ended or the deadline passed."""
    go_at = time.monotonic() + delay_s
    deadline = go_at + timeout_s
    samples: list[float] = []
    stop = asyncio.Event()
    lag = asyncio.create_task(_loop_lag(samples, stop))
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.gather(*(user.run(go_at, deadline) for user in users))
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    stop.set()
    await lag
    samples = samples or [0.0]
    p99 = (
        statistics.quantiles(samples, n=100, method="inclusive")[98]
        if len(samples) > 1
        else samples[0]
    )
    return GoReport([u.result for u in users], cpu, wall, p99, max(samples))


async def serve(conn: Connection) -> None:
    """One client process: does what the orchestrator sends over the pipe, in order."""
    users: list[SimUser] = []
    while True:
        command, args = await asyncio.to_thread(conn.recv)
        if command == "connect":
            url, frontend, specs, concurrency, timeout_s = args
            users = [SimUser(spec, url, frontend) for spec in specs]
            await _connect_all(users, concurrency, timeout_s)
            conn.send([u.result for u in users])
        elif command == "go":
            delay_s, timeout_s = args
            conn.send(await _go(users, delay_s, timeout_s))
        elif command == "close":
            await asyncio.gather(*(u.close() for u in users), return_exceptions=True)
            users = []
            conn.send(None)
        else:
            return


def worker_main(conn: Connection) -> None:
    """Entry point of a client process."""
    asyncio.run(serve(conn))
