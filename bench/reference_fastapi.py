"""Cold-start reference (a): a minimal FastAPI + Mangum handler making the AWS calls of the function it is
compared with.

One route, Mangum with lifespan="off", and the call-set that BENCH_REFERENCE_CALLS names (bench/reference_calls.py:
by default `get`, the two GetItems of GET /api/documents/{id}: the bearer token's record, checked as
recordengine.tokens does, then the document), served on the method and path of that function's sample event;
boto3 clients made on first use. No logger, no middleware, no error handlers, no generated docs: the least a
FastAPI function on Lambda does. The worker imports it as the top-level module `reference_fastapi`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, FastAPI, File, Form, Header, HTTPException, Response
from fastapi.responses import JSONResponse
from mangum import Mangum
from reference_calls import CALLS, METHOD, PATH, Answer, answer  # type: ignore[import-not-found]

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


def _response(status: int, body: Any, headers: dict[str, str]) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def _ok(result: Answer) -> dict[str, Any]:
    status, body, _ = result
    if status >= 400:
        raise HTTPException(status_code=status, detail=body["detail"])
    return dict(body)


if CALLS == "upload":

    @app.post(PATH)
    def upload(
        file: Annotated[bytes, File()],
        contact_id: Annotated[int, Form()],
        folder_id: Annotated[int, Form()],
        authorization: Annotated[str, Header()] = "",
    ) -> Response:
        fields = {"contact_id": contact_id, "folder_id": folder_id}
        return _response(*answer(authorization, body=fields, file=file))

elif CALLS == "presign":

    @app.post(PATH)
    def presigned_upload(
        body: Annotated[dict[str, Any], Body()], authorization: Annotated[str, Header()] = ""
    ) -> Response:
        return _response(*answer(authorization, body=body))

elif CALLS == "none":

    @app.get(PATH)
    def document() -> dict[str, Any]:
        return _ok(answer(""))

elif CALLS == "get":

    @app.get(PATH)
    def get_document(document_id: int, authorization: Annotated[str, Header()] = "") -> dict[str, Any]:
        return _ok(answer(authorization, str(document_id)))

else:

    @app.api_route(PATH, methods=[METHOD])
    def document_call(document_id: int, authorization: Annotated[str, Header()] = "") -> Response:
        return _response(*answer(authorization, str(document_id)))


handler = Mangum(app, lifespan="off")
