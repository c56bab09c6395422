"""`POST /api/approvals/{approval_id}`: the thread owner's Approve or Deny for an "ask first"
tool call, sent by an API client while the run waits (the web UI's buttons, over HTTP).

The approval id comes from the stream: the UI message stream's `tool-approval-request` chunk
(`approvalId`), or the `approval` data part (`approval_id`) in either format. The run that
waits sees the answer within a second and carries on in the same stream.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import authenticated
from app.api.bodies import read_json
from app.api.errors import ApiError, not_found
from app.api.refusals import ApiAnswer, ApiModel, says, validated
from app.assistant.approvals import ApprovalClosed, ApprovalNotFound, decide
from app.db.ids import parse_row_id
from app.db.models import User
from app.services import get_services

MAX_BODY_BYTES = 1024


class ApprovalAnswer(ApiModel):
    """A person's answer to an "ask first" tool call."""

    # Anything but an object is an answer without `approved`.
    not_an_object = None

    approved: Annotated[
        bool,
        says("must be true (approve) or false (deny)."),
        Field(description="true approves the call; false denies it."),
    ]


class ApprovalAnswered(ApiAnswer):
    """The answer, taken."""

    approval_id: str
    approved: bool


@authenticated
async def approval_endpoint(request: Request, user: User) -> Response:
    """Approve (`{"approved": true}`) or deny (`{"approved": false}`) a waiting call; 404 for
    one that is not in the caller's threads, 409 for one no longer waiting."""
    raw_id = request.path_params["approval_id"]
    body = await read_json(request, MAX_BODY_BYTES, '{"approved": true} or {"approved": false}')
    answer = validated(ApprovalAnswer, body)
    missing = not_found(f"There is no approval {raw_id!r} in your threads.")
    approval_id = parse_row_id(raw_id)
    if approval_id is None:
        raise missing
    try:
        async with get_services().sessions() as session:
            await decide(session, approval_id, user.id or 0, answer.approved)
    except ApprovalNotFound:
        raise missing from None
    except ApprovalClosed as exc:
        raise ApiError(409, str(exc)) from exc
    answered = ApprovalAnswered(approval_id=raw_id, approved=answer.approved)
    return JSONResponse(answered.model_dump(by_alias=True))
