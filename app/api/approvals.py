"""`POST /api/approvals/{approval_id}`: the thread owner's Approve or Deny for an "ask first"
tool call, sent by an API client while the run waits (the web UI's buttons, over HTTP).

The approval id comes from the stream: the UI message stream's `tool-approval-request` chunk
(`approvalId`), or the `approval` data part (`approval_id`) in either format. The run that
waits sees the answer within a second and carries on in the same stream.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import api_user
from app.api.bodies import read_json
from app.api.errors import ApiError, bad_request, not_found
from app.assistant.approvals import ApprovalClosed, ApprovalNotFound, decide
from app.db.ids import parse_row_id
from app.services import get_services

MAX_BODY_BYTES = 1024


async def approval_endpoint(request: Request) -> Response:
    """Approve (`{"approved": true}`) or deny (`{"approved": false}`) a waiting call; 404 for
    one that is not in the caller's threads, 409 for one no longer waiting."""
    raw_id = request.path_params["approval_id"]
    try:
        user = await api_user(request)
        body = await read_json(request, MAX_BODY_BYTES, '{"approved": true} or {"approved": false}')
        approved = body.get("approved") if isinstance(body, dict) else None
        if not isinstance(approved, bool):
            raise bad_request("approved", "must be true (approve) or false (deny).")
        approval_id = parse_row_id(raw_id)
        if approval_id is None:
            raise not_found(f"There is no approval {raw_id!r} in your threads.")
        async with get_services().sessions() as session:
            await decide(session, approval_id, user.id or 0, approved)
    except ApprovalNotFound:
        return not_found(f"There is no approval {raw_id!r} in your threads.").response()
    except ApprovalClosed as exc:
        return ApiError(409, str(exc)).response()
    except ApiError as exc:
        return exc.response()
    return JSONResponse({"approvalId": raw_id, "approved": approved})
