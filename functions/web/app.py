"""GET / and GET /assets/{name}: the review page (static files next to this handler), no token."""

from pathlib import Path

from recordengine.api.app import lambda_handler
from recordengine.api.web import web_router

handler = lambda_handler(web_router(Path(__file__).resolve().parent / "static"), public=True)
