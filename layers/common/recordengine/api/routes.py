"""The whole API in one place: every router.

Each function serves only its own routers (api/app.py); this module is for what needs them all: the answer
to requests that no route takes (api/not_found.py) and the OpenAPI document (api/openapi.py).
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from fastapi.routing import APIRoute


def api_routers() -> tuple[APIRouter, ...]:
    from . import contacts, documents, folders, health, openapi, profiles, rules, web, webhooks

    return (
        health.router,
        openapi.router,
        documents.upload_router,
        documents.presigned_upload_router,
        documents.list_router,
        documents.get_router,
        documents.status_router,
        documents.update_router,
        documents.history_router,
        documents.file_router,
        documents.delete_router,
        contacts.router,
        folders.router,
        profiles.router,
        rules.router,
        webhooks.router,
        web.router,
    )


@lru_cache(maxsize=1)
def _routes() -> tuple[APIRoute, ...]:
    return tuple(route for router in api_routers() for route in router.routes if isinstance(route, APIRoute))


def allowed_methods(path: str) -> list[str]:
    """The methods the API serves on `path` (empty when no route has that path)."""
    methods = {method for route in _routes() if route.path_regex.match(path) for method in route.methods or ()}
    return sorted(methods)
