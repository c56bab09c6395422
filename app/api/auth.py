"""Who is calling: `Authorization: Bearer <token>`, a per-person API token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

from app.accounts.api_tokens import user_for_api_token_from
from app.accounts.errors import TooManyAttempts
from app.accounts.sources import client_address
from app.api.errors import ApiError
from app.db.models import User
from app.services import get_services

UserEndpoint = Callable[[Request, User], Awaitable[Response]]

_HOW = (
    "Send 'Authorization: Bearer <token>' with one of your API tokens "
    "(create one in Hearth under API tokens, /tokens)."
)


async def api_user(request: Request) -> User:
    """The token's owner; 401 for no token, a malformed header, or an unknown or revoked one;
    429 while the caller's address waits after too many unknown tokens."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise ApiError(401, f"No API token. {_HOW}")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, f"The Authorization header is not a bearer token. {_HOW}")
    services = get_services()
    source = client_address(
        request.client.host if request.client else "",
        request.headers.get("x-forwarded-for", ""),
        services.settings.trusted_proxy_hops,
    )
    try:
        async with services.sessions() as session:
            user = await user_for_api_token_from(session, token.strip(), source)
    except TooManyAttempts as exc:
        raise ApiError(429, str(exc), retry_after_s=exc.retry_after_s) from None
    if user is None:
        raise ApiError(
            401,
            "This API token is unknown or was revoked (or has expired); create a new one under "
            "API tokens.",
        )
    return user


def authenticated(endpoint: UserEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for a token's owner: `endpoint(request, user)`, after `api_user`."""

    @wraps(endpoint)
    async def with_user(request: Request) -> Response:
        return await endpoint(request, await api_user(request))

    return with_user
