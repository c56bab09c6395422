"""HTTP API errors: a status and a JSON body `{"error": {"message", "field"?}}` saying what
was wrong and what is allowed."""

from __future__ import annotations

from starlette.responses import JSONResponse


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
        body: dict[str, str] = {"message": self.message}
        if self.field:
            body["field"] = self.field
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        if self.retry_after_s is not None:
            headers["Retry-After"] = str(self.retry_after_s)
        return JSONResponse({"error": body}, status_code=self.status, headers=headers)


def bad_request(field: str, message: str) -> ApiError:
    """400, naming the field (a dotted path such as `messages.2.parts`)."""
    return ApiError(400, f"{field}: {message}" if field else message, field)


def not_found(message: str) -> ApiError:
    """404: missing, or someone else's (the two are never told apart)."""
    return ApiError(404, message)
