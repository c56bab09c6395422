"""The OpenAPI description: a valid OpenAPI 3.1 document that describes every route."""

from __future__ import annotations

from openapi_spec_validator import validate
from starlette.routing import Route

from app.api.openapi import openapi_document
from app.api.routes import build_api


def test_the_description_is_valid_openapi() -> None:
    validate(openapi_document(1_000_000))


def test_every_route_and_method_is_described() -> None:
    paths = openapi_document(1_000_000)["paths"]
    served = {
        (route.path, method.lower())
        for route in build_api().routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    described = {
        (path, method) for path, item in paths.items() for method in item if method != "parameters"
    }
    assert served == described


def test_both_request_shapes_and_stream_formats_are_named() -> None:
    document = openapi_document(5_000)
    chat = document["paths"]["/api/chat"]["post"]
    shapes = chat["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert [s["$ref"].rsplit("/", 1)[1] for s in shapes] == [
        "AssistantUiChatRequest",
        "UseChatRequest",
    ]
    assert set(chat["responses"]["200"]["content"]) == {"text/plain", "text/event-stream"}
    assert "5,000 bytes" in chat["description"]
