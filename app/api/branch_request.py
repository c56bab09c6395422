"""useChat's edits and regenerations over `POST /api/chat`, mapped onto Hearth's branches.

- `regenerate()`: `trigger: "regenerate-message"`, with the reply's `messageId` ("msg-12", as
  Hearth streamed or `GET /api/threads/{id}` listed it), or none: the reply at the end of the
  branch shown. A new version of that reply; the question is not stored again.
- `sendMessage({text, messageId})` on a message of the person's: `trigger: "submit-message"`
  with the edited message last, carrying that id. Hearth's own id ("msg-11") names it; a
  client's own id (useChat makes one for each message it sends) is matched by position: the
  n-th message of the person's in the request is the n-th on the branch shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.api.errors import bad_request
from app.assistant.branches import thread_tree
from app.assistant.errors import NotOnBranch
from app.db.models import Thread
from app.db.statuses import Role

_PREFIX = "msg-"


@dataclass(frozen=True)
class Replacing:
    """What an edit or a regeneration replaces, as the client named it."""

    message_ref: str  # "msg-12", a client's own id, or "" (the reply at the branch's end)
    edit: bool  # the request's last message is the person's message edited
    user_position: int = 0  # which of the person's messages it is, from the first


def replacing_from(body: dict[str, Any]) -> Replacing | None:
    """The edit or regeneration a useChat body asks for (None: a new message)."""
    # The schema takes any JSON in both fields (as useChat's own transport does): only a
    # regeneration, or an edit's string id, means anything here.
    trigger, ref = body.get("trigger"), body.get("messageId")
    if not isinstance(ref, str):
        ref = None
    if trigger == "regenerate-message":
        return Replacing(ref or "", edit=False)
    messages = body.get("messages")
    if not ref or not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    if not isinstance(last, dict) or last.get("role") != "user" or last.get("id") != ref:
        return None  # a request that carries tool results on (its id is the reply's)
    users = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "user")
    return Replacing(ref, edit=True, user_position=users - 1)


def _stored_id(ref: str) -> int | None:
    number = ref.removeprefix(_PREFIX)
    return int(number) if ref.startswith(_PREFIX) and number.isdigit() else None


async def replaced_message_id(session: AsyncSession, thread: Thread, replacing: Replacing) -> int:
    """The stored message the client means, on the branch shown (or 400 saying why not)."""
    path = (await thread_tree(session, thread)).path()
    stored = _stored_id(replacing.message_ref)
    if stored is not None and stored in path:
        return stored
    if replacing.edit and stored is None:
        tree = await thread_tree(session, thread)
        users = [i for i in path if tree.nodes[i].role == Role.user]
        if replacing.user_position < len(users):
            return users[replacing.user_position]
    if not replacing.message_ref and path:
        return path[-1]
    raise bad_request("messageId", str(NotOnBranch(replacing.message_ref or "(none)")))
