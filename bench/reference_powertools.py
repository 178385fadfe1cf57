"""Cold-start reference (b): a bare Powertools handler making the AWS calls of the function it is compared with.

Powertools' APIGatewayHttpResolver (HTTP API, payload v2) with one route, serving the call-set that
BENCH_REFERENCE_CALLS names (bench/reference_calls.py: by default `get`, the two GetItems of
GET /api/documents/{id}: the bearer token's record, checked as recordengine.tokens does, then the document)
on the method and path of that function's sample event; boto3 clients made on first use. Powertools has no
multipart parser: for `upload` it stores the request body as it came (base64-decoded). The worker imports this file
as the top-level module `reference_powertools`, as Lambda imports a function's `app`.
"""

from __future__ import annotations

import base64
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from reference_calls import CALLS, METHOD, PATH, Answer, answer  # type: ignore[import-not-found]

app = APIGatewayHttpResolver()


def _response(result: Answer) -> Response[Any]:
    status, body, headers = result
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


def _authorization() -> str:
    return str(app.current_event.headers.get("authorization", ""))


@app.route(PATH.replace("{document_id}", "<document_id>"), METHOD)
def route(document_id: str = "") -> Response[Any]:
    if CALLS == "upload":
        fields = {"contact_id": 1, "folder_id": 1}
        return _response(answer(_authorization(), body=fields, file=base64.b64decode(app.current_event.body or "")))
    if CALLS == "presign":
        return _response(answer(_authorization(), body=app.current_event.json_body))
    return _response(answer(_authorization(), document_id))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
