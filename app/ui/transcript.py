"""A thread as people read it (the chat and admin views): messages with tool cards and effect
cards, from stored rows, and the messages a reply suggests sending next."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.branches import Tree, thread_tree
from app.assistant.feedback import ratings_for
from app.assistant.message_parts import (
    AttachmentPart,
    EffectPart,
    MessagePart,
    SuggestionsPart,
    TextPart,
    ToolCallPart,
    message_parts,
)
from app.assistant.providers.hybrid import answered_by
from app.db.models import Effect, Message, Run, Thread, ToolCall
from app.db.statuses import MessageStatus, Role
from app.home.temperatures import format_celsius
from app.ui.branch_rows import mark_branches, page_ids
from app.ui.file_parts import file_words
from app.ui.moments import iso_utc
from app.ui.partial_markdown import mend_partial_markdown
from app.ui.tool_cards import card_text

PAGE_SIZE = 50
# Messages shown above the one a search hit opens a thread at.
JUMP_CONTEXT = 4


@dataclass
class TranscriptPart:
    """One block of a message: text, a tool card or an effect card."""

    kind: str  # "text" | "tool" | "effect" | "file"
    text: str = ""
    tool_name: str = ""
    tool_status: str = ""
    # What a tool card says (app/ui/tool_cards.py): "Read the kitchen: 22 °C", its lucide
    # icon, the status in words, and why it did nothing ("" when it did).
    summary: str = ""
    icon: str = ""
    status_label: str = ""
    note: str = ""
    # The raw call, folded under Details: arguments and result as JSON.
    arguments: str = ""
    result: str = ""
    call_row_id: int = 0
    # An "ask first" call waiting for Approve / Deny shows until when (HH:MM:SS UTC).
    expires_at: str = ""
    # Why it waits beyond the tool's policy ("You asked a question; change the kitchen...?").
    approval_reason: str = ""
    effect_id: int = 0
    undone: bool = False


@dataclass
class TranscriptMessage:
    """One message, ready to render."""

    id: int
    role: str
    status: str
    parts: list[TranscriptPart] = field(default_factory=list)
    run_id: int = 0
    run_status: str = ""
    run_error: str = ""
    rating: str = ""
    # Messages the reply offers to send next: shown under it (as buttons that send them)
    # while it is the newest message, not among its parts, which read in stored order.
    suggestions: list[str] = field(default_factory=list)
    # Where the hybrid chose who answers: "device" (the offline assistant) or "model".
    answered_by: str = ""
    # A reply that says it changed rooms no effect changed: "No change was made to the kitchen."
    no_change_note: str = ""
    # Its place among the versions of it (edits, regenerations): the picker `‹ 2/3 ›`.
    branch_index: int = 1
    branch_count: int = 1
    previous_branch_id: int = 0
    next_branch_id: int = 0


def no_change_note(rooms: list[str] | None) -> str:
    """What a reply that claimed changes no effect backs is marked with ("" for none)."""
    if not rooms:
        return ""
    return "No change was made to " + " or ".join(f"the {room}" for room in rooms) + "."


def effect_sentence(effect: Effect) -> str:
    """What an effect card says, from the ledger row itself."""
    return (
        f"Temperature in {effect.room_name} changed from "
        f"{format_celsius(effect.old_celsius)} to {format_celsius(effect.new_celsius)}"
    )


def _pretty(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), ensure_ascii=False)
    except json.JSONDecodeError:
        return arguments


@dataclass
class TranscriptPage:
    """The messages on screen, oldest first, and whether older ones exist."""

    messages: list[TranscriptMessage]
    has_earlier: bool
    # Every message id of the branch shown (None: not known), so rows of a branch left
    # meanwhile go from the screen.
    branch_ids: list[int] | None = None


def first_id(messages: list[TranscriptMessage]) -> int | None:
    """The id of the oldest message on screen, if any."""
    return messages[0].id if messages else None


def merge_page(shown: list[TranscriptMessage], fresh: TranscriptPage) -> list[TranscriptMessage]:
    """Fresh rows replace what they cover; older pages loaded meanwhile stay (if on the
    branch shown)."""
    if fresh.branch_ids is not None:
        on_branch = set(fresh.branch_ids)
        shown = [m for m in shown if m.id in on_branch]
    if not fresh.messages:
        return shown
    start = fresh.messages[0].id
    return [m for m in shown if m.id < start] + fresh.messages


def latest_reply_id(messages: list[TranscriptMessage]) -> int:
    """The newest message's id if it is the assistant's (0 if not): the one reply whose
    suggestions are offered."""
    if messages and messages[-1].role == "assistant":
        return messages[-1].id
    return 0


def waits_for_approval(messages: list[TranscriptMessage]) -> bool:
    """Whether a card on screen waits for the person's Approve or Deny."""
    return any(
        part.tool_status == "awaiting_approval" for message in messages for part in message.parts
    )


def composer_status(is_running: bool, waiting_for_approval: bool) -> str:
    """What the composer says is happening ("" when nothing is)."""
    if waiting_for_approval:
        return "Waiting for your approval above"
    if is_running:
        return "Hearth is answering… (Esc stops)"
    return ""


def hide_streaming_text(
    messages: list[TranscriptMessage], streaming_message_id: int
) -> list[TranscriptMessage]:
    """While a reply streams, its trailing text is the live component's, not a stored part."""
    for message in messages:
        if (
            message.id == streaming_message_id
            and message.parts
            and message.parts[-1].kind == "text"
        ):
            message.parts = message.parts[:-1]
    return messages


async def load_transcript(
    session: AsyncSession,
    thread_id: int,
    *,
    user_id: int | None = None,
    since_id: int | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> TranscriptPage:
    """A page of the branch on screen: the newest `limit` messages, the `limit` before
    `before_id`, or everything from `since_id` on (what is on screen, refreshed)."""
    thread = await session.get(Thread, thread_id)
    tree = await thread_tree(session, thread) if thread is not None else Tree({}, None)
    ids, has_earlier = page_ids(tree, since_id=since_id, before_id=before_id, limit=limit)
    rows = (await session.exec(select(Message).where(col(Message.id).in_(ids)))).all()
    rendered = await render_messages(session, sorted(rows, key=lambda m: m.id or 0), user_id)
    mark_branches(rendered, tree)
    return TranscriptPage(rendered, has_earlier, tree.path())


async def load_transcript_at(
    session: AsyncSession,
    thread_id: int,
    message_id: int,
    *,
    user_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> TranscriptPage:
    """The newest page of a thread, reaching back to `message_id` (and the few messages
    before it, to read it in context) when that is older: a search hit opens the thread
    there. Just the newest page if the thread has no such message."""
    page = await load_transcript(session, thread_id, user_id=user_id, limit=limit)
    first = first_id(page.messages)
    if first is None or message_id >= first:
        return page
    up_to_it = (
        select(Message.id)
        .where(Message.thread_id == thread_id, col(Message.id) <= message_id)
        .order_by(col(Message.id).desc())
        .limit(JUMP_CONTEXT + 1)
    )
    ids = list((await session.exec(up_to_it)).all())
    if not ids or ids[0] != message_id:
        return page
    return await load_transcript(session, thread_id, user_id=user_id, since_id=ids[-1])


async def render_messages(
    session: AsyncSession, messages: list[Message], user_id: int | None = None
) -> list[TranscriptMessage]:
    """Messages as transcript entries (at most five queries, whatever the number of cards;
    none for what no message has), with `user_id`'s ratings."""
    run_ids = {m.run_id for m in messages if m.run_id}
    stored = [message_parts(m) for m in messages]
    call_ids = [p.call_row_id for ps in stored for p in ps if isinstance(p, ToolCallPart)]
    effect_ids = [p.effect_id for ps in stored for p in ps if isinstance(p, EffectPart)]
    runs: dict[int | None, Run] = {}
    calls: dict[int | None, ToolCall] = {}
    effects: dict[int | None, Effect] = {}
    undone: set[int | None] = set()
    if run_ids:
        runs = {r.id: r for r in await session.exec(select(Run).where(col(Run.id).in_(run_ids)))}
    if call_ids:
        query = select(ToolCall).where(col(ToolCall.id).in_(call_ids))
        calls = {c.id: c for c in await session.exec(query)}
    if effect_ids:
        effects = {
            e.id: e
            for e in await session.exec(select(Effect).where(col(Effect.id).in_(effect_ids)))
        }
        undoes = select(Effect.undoes_id).where(col(Effect.undoes_id).in_(effect_ids))
        undone = set(await session.exec(undoes))
    ratings = await ratings_for(session, user_id, [m.id or 0 for m in messages]) if user_id else {}
    rendered = []
    for message, parts in zip(messages, stored, strict=True):
        run = runs.get(message.run_id)
        rendered.append(
            TranscriptMessage(
                id=message.id or 0,
                role=message.role,
                status=message.status,
                parts=_mended(message, _parts(parts, calls, effects, undone)),
                run_id=message.run_id or 0,
                run_status=run.status if run else "",
                run_error=(run.error or "") if run else "",
                rating=ratings.get(message.id or 0, ""),
                suggestions=[t for p in parts if isinstance(p, SuggestionsPart) for t in p.texts],
                answered_by=answered_by(run.provider)
                if run and message.role == Role.assistant
                else "",
                no_change_note=no_change_note(message.unbacked_rooms),
            )
        )
    return rendered


def _mended(message: Message, parts: list[TranscriptPart]) -> list[TranscriptPart]:
    """A reply that did not finish may end mid-markdown: its last text reads without the
    artefacts (a stray `*`, an empty bullet)."""
    unfinished = message.role == Role.assistant and message.status != MessageStatus.complete
    if unfinished and parts and parts[-1].kind == "text":
        parts[-1].text = mend_partial_markdown(parts[-1].text)
    return parts


def _parts(
    stored: list[MessagePart],
    calls: dict[int | None, ToolCall],
    effects: dict[int | None, Effect],
    undone: set[int | None],
) -> list[TranscriptPart]:
    parts: list[TranscriptPart] = []
    for part in stored:
        match part:
            case TextPart(text=text) if text:
                parts.append(TranscriptPart("text", text=text))
            case ToolCallPart(call_row_id=call_row_id):
                call = calls.get(call_row_id)
                if call is None:
                    continue
                words = card_text(call.name, call.arguments, call.status, call.result, call.error)
                parts.append(
                    TranscriptPart(
                        "tool",
                        tool_name=call.name,
                        tool_status=call.status,
                        summary=words.summary,
                        icon=words.icon,
                        status_label=words.status_label,
                        note=words.note,
                        arguments=_pretty(call.arguments),
                        result=words.result,
                        call_row_id=call.id or 0,
                        expires_at=(
                            iso_utc(call.approval_expires_at) if call.approval_expires_at else ""
                        ),
                        approval_reason=call.approval_reason or "",
                    )
                )
            case EffectPart(effect_id=effect_id):
                effect = effects.get(effect_id)
                if effect is not None:
                    parts.append(
                        TranscriptPart(
                            "effect",
                            text=effect_sentence(effect),
                            effect_id=effect.id or 0,
                            undone=effect.id in undone,
                        )
                    )
            case AttachmentPart():
                words = file_words(part)
                parts.append(
                    TranscriptPart("file", text=words.name, summary=words.summary, icon=words.icon)
                )
    return parts
