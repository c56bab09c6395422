"""HTTP API errors: a status and a JSON body `{"error": {"message", "field"?}}` saying what
was wrong and what is allowed. Endpoints raise `ApiError`; `answer_api_error`, Starlette's
handler for it, is the one place it becomes an answer."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ErrorDetail(BaseModel):
    """What the API refused, and why."""

    message: str = Field(description="What was wrong and what is allowed.")
    field: str | None = Field(
        default=None,
        description="The field at fault, as a dotted path (400 and 415 only).",
        examples=["messages.0.content"],
    )


class Error(BaseModel):
    """Every refusal's body."""

    error: ErrorDetail


class ApiError(Exception):
    """A request the API refuses."""

    def __init__(
        self, status: int, message: str, field: str = "", retry_after_s: int | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.retry_after_s = retry_after_s

    def response(self) -> JSONResponse:
        """The JSON answer."""
        body = Error(error=ErrorDetail(message=self.message, field=self.field or None))
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        if self.retry_after_s is not None:
            headers["Retry-After"] = str(self.retry_after_s)
        return JSONResponse(
            body.model_dump(exclude_none=True), status_code=self.status, headers=headers
        )


async def answer_api_error(_request: Request, exc: Exception) -> Response:
    """Starlette's handler for an `ApiError` an endpoint raised."""
    assert isinstance(exc, ApiError)
    return exc.response()


def bad_request(field: str, message: str) -> ApiError:
    """400, naming the field (a dotted path such as `messages.2.parts`)."""
    return ApiError(400, f"{field}: {message}" if field else message, field)


def not_found(message: str) -> ApiError:
    """404: missing, or someone else's (the two are never told apart)."""
    return ApiError(404, message)
