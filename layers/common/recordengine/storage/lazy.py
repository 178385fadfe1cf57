"""A stand-in for a boto3 client that makes nothing until the client is first used.

`LazyClient(default_s3_client)` is what a store holds when it is given no client: a function whose routes
never touch S3 never builds an S3 client (a client costs tens of milliseconds of a cold start). Every
attribute is looked up on `factory()` at the time of use, and the factories are `lru_cache`d, so clearing
their caches (recordengine.environment.forget_environment, after a SnapStart restore) hands every store a
new client without rebuilding the stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LazyClient:
    __slots__ = ("_factory",)

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory(), name)

    def __repr__(self) -> str:
        return f"LazyClient({getattr(self._factory, '__name__', self._factory)!r})"
