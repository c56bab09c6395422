"""API errors: every refusal is `{"error": {"message", "field"?}}` with its status, a 401 says
how to authenticate and a 503 when to retry; Starlette's handler answers an `ApiError` raised
anywhere in an endpoint."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.api.errors import ApiError, answer_api_error, bad_request, not_found
from tests.support.api_server import api_client


def _answer(error: ApiError) -> tuple[int, dict[str, str], object]:
    response = error.response()
    return response.status_code, dict(response.headers), json.loads(response.body)


def test_a_bad_request_names_its_field_in_the_body_and_the_message() -> None:
    status, headers, body = _answer(bad_request("messages.2.parts", "must be a list of parts."))
    assert status == 400 and headers["content-type"] == "application/json"
    assert body == {
        "error": {
            "message": "messages.2.parts: must be a list of parts.",
            "field": "messages.2.parts",
        }
    }


def test_a_refusal_with_no_field_has_none_in_its_body() -> None:
    status, headers, body = _answer(not_found("There is no thread 'x' in your threads."))
    assert status == 404 and body == {
        "error": {"message": "There is no thread 'x' in your threads."}
    }
    assert "www-authenticate" not in headers and "retry-after" not in headers
    assert bad_request("", "is empty.").message == "is empty."


def test_a_401_asks_for_a_bearer_token_and_a_503_says_when_to_retry() -> None:
    assert _answer(ApiError(401, "No API token."))[1]["www-authenticate"] == "Bearer"
    status, headers, _ = _answer(ApiError(503, "Busy.", retry_after_s=5))
    assert status == 503 and headers["retry-after"] == "5"


async def test_an_endpoint_that_raises_is_answered_by_the_handler() -> None:
    async def refuse(_request: Request) -> Response:
        raise ApiError(409, "A run is already going in this thread.")

    app = Starlette(
        routes=[Route("/refuse", refuse, methods=["POST"])],
        exception_handlers={ApiError: answer_api_error},
    )
    async with api_client(app) as client:
        response = await client.post("/refuse")
    assert response.status_code == 409
    assert response.json() == {"error": {"message": "A run is already going in this thread."}}
