"""Branches: a thread's messages form a tree, as in assistant-ui's message repository.

Each message names the one before it on its branch (`parent_id`), and the thread names the
last message of the branch on screen (`head_message_id`). A message with no parent recorded
(written before branches, or by a writer that does not know them) follows the message before
it in its thread, so such threads read as one branch, as they always did; a version of a
thread's first message records `ROOT`. A thread with no head shows its newest message's
branch. Editing a message
or regenerating a reply adds a sibling of the message it replaces and moves the head to the new
branch; the earlier version stays, one click of the branch picker away. Everything that reads
a thread as a conversation (the model's context, the transcript, `GET /api/threads/{id}`)
follows only the branch on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.errors import InvalidMessage, NotOnBranch
from app.assistant.message_parts import AttachmentPart, append_parts, parse_parts
from app.assistant.runs import add_question, add_reply, queue_run, refuse_if_answering
from app.assistant.threads import get_thread
from app.db.changes import Change, note_change, thread_topic, threads_topic
from app.db.models import Effect, Message, Run, Thread, utcnow
from app.db.statuses import Role

logger = logging.getLogger(__name__)

# The parent a version of a thread's first message records (no message has id 0).
ROOT = 0


@dataclass(frozen=True)
class Node:
    """One message's place in its thread's tree."""

    id: int
    parent_id: int | None
    role: str
    run_id: int | None


@dataclass(frozen=True)
class Siblings:
    """Where a message stands among the versions of it (`‹ index/count ›`); 0: no such one."""

    index: int = 1
    count: int = 1
    previous_id: int = 0
    next_id: int = 0


@dataclass(frozen=True)
class Tree:
    """A thread's messages as a tree, and the end of the branch on screen."""

    nodes: dict[int, Node]
    head_id: int | None

    def path(self) -> list[int]:
        """The ids of the branch on screen, first message first: to the head, and on to the
        newest message after it (one a writer added without naming its place follows the
        message before it, so a thread written that way shows all of it)."""
        head = self.head_id if self.head_id in self.nodes else max(self.nodes, default=None)
        return self.path_to(self.newest_leaf(head)) if head is not None else []

    def path_to(self, message_id: int) -> list[int]:
        """The ids from the thread's first message down to `message_id`."""
        ids: list[int] = []
        current: int | None = message_id
        while current is not None and current in self.nodes and len(ids) <= len(self.nodes):
            ids.append(current)
            current = self.nodes[current].parent_id
        return ids[::-1]

    @cached_property
    def children(self) -> dict[int | None, list[int]]:
        """Each message's next messages (None: the thread's first ones), oldest first."""
        found: dict[int | None, list[int]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            found.setdefault(node.parent_id, []).append(node.id)
        return found

    def siblings(self, message_id: int) -> Siblings:
        """The versions of a message: those after the same message, oldest first."""
        ids = self.children[self.nodes[message_id].parent_id]
        at = ids.index(message_id)
        return Siblings(
            index=at + 1,
            count=len(ids),
            previous_id=ids[at - 1] if at > 0 else 0,
            next_id=ids[at + 1] if at + 1 < len(ids) else 0,
        )

    def newest_leaf(self, message_id: int) -> int:
        """The newest message under `message_id` (itself if none): where its branch ends.

        Children are written after their parent, so the newest descendant has none."""
        newest, todo = message_id, [message_id]
        while todo:
            current = todo.pop()
            newest = max(newest, current)
            todo += self.children.get(current, [])
        return newest


def parents(recorded: Sequence[tuple[int, int | None]]) -> dict[int, int | None]:
    """Each message's parent (None: a first message) from (id, recorded parent) pairs of one
    thread: none recorded is the message before it, `ROOT` is none."""
    found: dict[int, int | None] = {}
    previous: int | None = None
    for message_id, parent_id in sorted(recorded):
        found[message_id] = previous if parent_id is None else (parent_id or None)
        previous = message_id
    return found


async def thread_tree(session: AsyncSession, thread: Thread) -> Tree:
    """The thread's tree (ids only: no message content is read)."""
    query = select(Message.id, Message.parent_id, Message.role, Message.run_id).where(
        Message.thread_id == thread.id
    )
    rows = [row for row in (await session.exec(query)).all() if row[0] is not None]
    parent_of = parents([(message_id, parent_id) for message_id, parent_id, _, _ in rows])
    nodes = {
        message_id: Node(message_id, parent_of[message_id], role, run_id)
        for message_id, _, role, run_id in rows
    }
    return Tree(nodes, thread.head_message_id)


def messages_before(messages: Sequence[Message], message_id: int) -> list[Message]:
    """The messages on the branch before `message_id`, first first: what the model sees."""
    by_id = {m.id: m for m in messages if m.id is not None}
    parent_of = parents([(i, m.parent_id) for i, m in by_id.items()])
    chain: list[Message] = []
    current = parent_of.get(message_id)
    while current is not None and current in by_id and len(chain) < len(by_id):
        chain.append(by_id[current])
        current = parent_of[current]
    return chain[::-1]


async def branch_messages(session: AsyncSession, thread: Thread) -> list[Message]:
    """The messages of the branch on screen, first first."""
    ids = (await thread_tree(session, thread)).path()
    if not ids:
        return []
    rows = await session.exec(select(Message).where(col(Message.id).in_(ids)))
    return sorted(rows.all(), key=lambda m: m.id or 0)


def _on_screen(tree: Tree, message_id: int) -> list[int]:
    """The branch on screen, which must hold `message_id` (or NotOnBranch)."""
    path = tree.path()
    if message_id not in path:
        raise NotOnBranch(message_id)
    return path


def _asked(tree: Tree, path: list[int], message_id: int) -> int:
    """The person's message a reply answers (the message itself if it is theirs)."""
    for candidate in reversed(path[: path.index(message_id) + 1]):
        if tree.nodes[candidate].role == Role.user:
            return candidate
    raise InvalidMessage("This reply answers no message of yours, so it cannot be regenerated.")


def _replaced(tree: Tree, path: list[int], message_id: int, text: str) -> list[int]:
    """The messages of the branch on screen that an edit (text) or a regeneration of
    `message_id` leaves behind."""
    asked = _asked(tree, path, message_id)
    start = path.index(asked) if text else path.index(asked) + 1
    return path[start:]


async def changes_left_behind(
    session: AsyncSession, thread_id: int, user_id: int, message_id: int, text: str = ""
) -> list[Effect]:
    """The changes to the home (not undone yet) made by the turns that editing (`text`) or
    regenerating `message_id` takes off the screen, oldest first."""
    thread = await get_thread(session, thread_id, user_id)
    tree = await thread_tree(session, thread)
    path = _on_screen(tree, message_id)
    runs = {tree.nodes[i].run_id for i in _replaced(tree, path, message_id, text)} - {None}
    if not runs:
        return []
    undone = select(Effect.undoes_id).where(col(Effect.undoes_id).is_not(None))
    query = (
        select(Effect)
        .where(col(Effect.run_id).in_(runs), col(Effect.id).not_in(undone))
        .order_by(col(Effect.id))
    )
    return list((await session.exec(query)).all())


async def create_branch_run(
    session: AsyncSession,
    thread_id: int,
    user_id: int,
    message_id: int,
    text: str,
    *,
    max_steps: int,
    provider: str,
) -> tuple[Run, Message | None, Message]:
    """A new version of a message on the branch on screen, and the run that answers it:
    with `text`, the person's message edited (a sibling of it, and a new reply); without,
    the reply to it regenerated (a sibling of the reply, no new message of theirs). The
    head moves to the new reply; the earlier version stays as a branch."""
    thread = await get_thread(session, thread_id, user_id)
    await refuse_if_answering(session, thread_id)
    tree = await thread_tree(session, thread)
    path = _on_screen(tree, message_id)
    asked_id = _asked(tree, path, message_id)
    if text and tree.nodes[message_id].role != Role.user:
        raise InvalidMessage("Only your own messages can be edited; a reply can be regenerated.")
    thread.updated_at = utcnow()
    run = await queue_run(session, thread_id, max_steps=max_steps, provider=provider)
    edited: Message | None = None
    if text:
        parent_id = tree.nodes[asked_id].parent_id or ROOT
        edited = await add_question(session, run, text, parent_id)
        # An edit changes the words; the files the message carried go with it.
        if (original := await session.get(Message, asked_id)) is not None:
            append_parts(edited, parse_parts(original.parts, only=(AttachmentPart,)))
    reply = await add_reply(session, run, edited.id if edited is not None else asked_id)
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    logger.info(
        "Run %s queued on thread %s: %s message %s",
        run.id,
        thread_id,
        "edits" if text else "regenerates the reply to",
        asked_id,
    )
    return run, edited, reply


async def show_branch(session: AsyncSession, thread_id: int, user_id: int, message_id: int) -> None:
    """Put the branch through `message_id` on screen (to its newest message), for every tab
    showing the thread."""
    thread = await get_thread(session, thread_id, user_id)
    await refuse_if_answering(session, thread_id)
    tree = await thread_tree(session, thread)
    if message_id not in tree.nodes:
        raise NotOnBranch(message_id)
    thread.head_message_id = tree.newest_leaf(message_id)
    note_change(session, Change(thread_topic(thread_id)))
    await session.commit()
