"""End-to-end tests over HTTP against a running local stack.

They need RECORDENGINE_URL and RECORDENGINE_TOKEN, which `python -m local.with_stack -- pytest tests/e2e`
(`make test-e2e`) sets after starting a fresh stack; without them every test is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from .stack import Stack


@pytest.fixture(scope="session")
def stack() -> Stack:
    url = os.environ.get("RECORDENGINE_URL")
    token = os.environ.get("RECORDENGINE_TOKEN")
    if not url or not token:
        pytest.skip(
            "RECORDENGINE_URL/RECORDENGINE_TOKEN are not set: run the e2e tests against a local stack with "
            "`python -m local.with_stack -- python -m pytest tests/e2e` (or `make test-e2e`)"
        )
    return Stack(url.rstrip("/"), token)


@pytest.fixture
def client(stack: Stack) -> Iterator[requests.Session]:
    """A session that sends the stack's bearer token."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {stack.token}"
        yield session
