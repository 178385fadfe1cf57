"""The review page: GET / (index.html) and GET /assets/{name} (a file of the page's flat static directory).

No token: the page itself holds no data; everything it shows comes from the API with the token a person
signs in with. Every answer carries a Content-Security-Policy that allows only this origin's scripts and
styles and, for the original files, the origin presigned S3 URLs point at.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recordengine.settings import Settings, get_settings
from recordengine.storable import excerpt

from .errors import error_response

# In the repository (tests, the local stack's route listing); the function serves its own copy
# (functions/web/app.py passes the directory next to its handler).
DEFAULT_STATIC_DIR = Path(__file__).resolve().parents[4] / "functions" / "web" / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
# A file name of the flat directory: no separators, no leading dot, one of the served extensions.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.(?:html|js|css|svg|png|ico)$")


def s3_origins(settings: Settings) -> list[str]:
    """The origins presigned URLs of the documents bucket point at."""
    if settings.aws_endpoint_url:
        parts = urlsplit(settings.aws_endpoint_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            return [f"{parts.scheme}://{parts.netloc}"]
    bucket, region = settings.bucket_name, settings.aws_region
    return [f"https://{bucket}.s3.{region}.amazonaws.com", f"https://{bucket}.s3.amazonaws.com"]


def content_security_policy(settings: Settings) -> str:
    s3 = " ".join(s3_origins(settings))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: {s3}; frame-src {s3}; connect-src 'self' {s3}; font-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(get_settings()),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _not_found(name: str) -> Response:
    return error_response(404, f"No asset named {excerpt(name, 100)!r}.", headers=security_headers())


def _file_response(request: Request, path: Path) -> Response:
    content = path.read_bytes()
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    headers = {**security_headers(), "ETag": etag, "Cache-Control": "no-cache"}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=CONTENT_TYPES[path.suffix], headers=headers)


def web_router(static_dir: Path = DEFAULT_STATIC_DIR) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def asset(name: str) -> Path | None:
        """The file `name` of the directory itself, or None: only names listed in it, never a path."""
        if not _NAME.match(name):
            return None
        try:
            listed = {entry.name: entry for entry in static_dir.iterdir()}
        except OSError:
            return None
        entry = listed.get(name)
        if entry is None or entry.is_symlink() or not entry.is_file():
            return None
        return entry

    @router.get("/")
    def index(request: Request) -> Response:
        path = asset("index.html")
        return _file_response(request, path) if path else _not_found("index.html")

    @router.get("/assets/{name}")
    def static_asset(name: str, request: Request) -> Response:
        path = asset(name)
        return _file_response(request, path) if path else _not_found(name)

    return router


router = web_router()
