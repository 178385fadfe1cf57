"""Headers every answer of the API carries, whichever route, error handler or middleware wrote it.

An answer holds a caller's data (documents, rules, webhook secrets) or says what they may not do: no cache
between the API and the client may keep it (`Cache-Control: no-store`, unless the route chose its own, as
the review page's files do), and no browser may read it as anything but what its Content-Type says
(`X-Content-Type-Options: nosniff`). Every answer, not only those the app labels JSON: API Gateway labels a
bodiless 204 `application/json` itself. Set in the app rather than in API Gateway, so that AWS and the
local stack answer alike.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Also what an error handler that answers outside the middleware (an unexpected error's 500) sends itself.
ANSWER_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def add_answer_headers(headers: MutableHeaders) -> None:
    """The headers above, where the answer does not already set them."""
    for name, value in ANSWER_HEADERS.items():
        headers.setdefault(name, value)


class AnswerHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", []))
                add_answer_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)
