"""The whole API in one place: every router.

Each function serves only its own routers (api/app.py); this module is for what needs them all: the answer
to requests that no route takes (api/not_found.py) and the OpenAPI document's generator (api/openapi.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import APIRouter
from fastapi.routing import APIRoute


def api_routers() -> tuple[APIRouter, ...]:
    from . import contacts, folders, health, me, profiles, rules, senders, web, webhooks
    from .documents import batch, delete, file, get, history, listing, presigned_upload, status, update, upload
    from .openapi_route import openapi_router

    return (
        health.router,
        # What the route declares is all the document needs: the function serves the file (api/openapi_route.py).
        openapi_router(b""),
        me.router,
        upload.router,
        presigned_upload.router,
        listing.router,
        get.router,
        status.router,
        update.router,
        history.router,
        file.router,
        delete.router,
        batch.router,
        contacts.router,
        folders.router,
        profiles.router,
        rules.router,
        senders.router,
        webhooks.router,
        web.router,
    )


@lru_cache(maxsize=1)
def _routes() -> tuple[APIRoute, ...]:
    return tuple(route for router in api_routers() for route in router.routes if isinstance(route, APIRoute))


def router_routes() -> set[tuple[str, str]]:
    """(method, path) of every route the routers serve (what ROUTES must list: a unit test compares them)."""
    return {(method, route.path) for route in _routes() for method in route.methods or ()}


# Every (method, path) the API serves, as the routers declare them. Written out so that the function that
# answers unknown routes (api/not_found.py) need not import every router on its first request: that import
# was most of its cold start. tests/unit/test_openapi.py checks this table against router_routes().
ROUTES: tuple[tuple[str, str], ...] = (
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/me"),
    ("POST", "/api/documents/upload"),
    ("POST", "/api/documents/uploads"),
    ("GET", "/api/documents"),
    ("GET", "/api/documents/export"),
    ("GET", "/api/documents/{document_id}"),
    ("PATCH", "/api/documents/{document_id}/status"),
    ("PATCH", "/api/documents/{document_id}"),
    ("GET", "/api/documents/{document_id}/history"),
    ("GET", "/api/documents/{document_id}/file"),
    ("GET", "/api/documents/{document_id}/pages"),
    ("DELETE", "/api/documents/{document_id}"),
    ("POST", "/api/documents/batch"),
    ("POST", "/api/contacts"),
    ("GET", "/api/contacts"),
    ("GET", "/api/contacts/{contact_id}"),
    ("POST", "/api/folders"),
    ("GET", "/api/folders"),
    ("GET", "/api/folders/{folder_id}"),
    ("POST", "/api/profiles"),
    ("GET", "/api/profiles"),
    ("GET", "/api/profiles/{profile_id}"),
    ("POST", "/api/rules"),
    ("GET", "/api/rules"),
    ("GET", "/api/rules/{rule_id}"),
    ("PUT", "/api/rules/{rule_id}"),
    ("DELETE", "/api/rules/{rule_id}"),
    ("POST", "/api/rules/{rule_id}/test"),
    ("GET", "/api/senders"),
    ("GET", "/api/senders/{sender_id}"),
    ("PATCH", "/api/senders/{sender_id}"),
    ("DELETE", "/api/senders/{sender_id}"),
    ("POST", "/api/webhooks"),
    ("GET", "/api/webhooks"),
    ("DELETE", "/api/webhooks/{webhook_id}"),
    ("GET", "/api/webhooks/{webhook_id}/deliveries"),
    ("POST", "/api/webhooks/deliveries/{delivery_id}/retry"),
    ("GET", "/"),
    ("GET", "/assets/{name}"),
)


@lru_cache(maxsize=1)
def _compiled_routes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # As Starlette compiles a path: each {parameter} matches one non-empty path segment.
    return tuple(
        (method, re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")) for method, path in ROUTES
    )


def allowed_methods(path: str) -> list[str]:
    """The methods the API serves on `path` (empty when no route has that path): those of the most specific
    route paths that match it, as API Gateway picks a route. /api/documents/upload is POST's alone, though
    /api/documents/{document_id} would match it too."""
    matching = [
        (path_template, method)
        for (method, path_template), (_, pattern) in zip(ROUTES, _compiled_routes(), strict=True)
        if pattern.match(path)
    ]
    if not matching:
        return []
    fewest = min(template.count("{") for template, _ in matching)
    return sorted({method for template, method in matching if template.count("{") == fewest})
