"""End-to-end tests over HTTP against a running local stack.

They need RECORDENGINE_URL and RECORDENGINE_TOKEN, which `python -m local.with_stack -- pytest tests/e2e`
(`make test-e2e`) sets after starting a fresh stack; without them every test is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from .stack import TIMEOUT, Stack


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


@pytest.fixture
def filing(stack: Stack, client: requests.Session) -> dict[str, int]:
    """A contact and a folder of this test's own (the stack is shared by every e2e test)."""
    contact = client.post(stack.api("/api/contacts"), json={"name": "Northwind Traders"}, timeout=TIMEOUT)
    assert contact.status_code == 201, contact.text
    folder = client.post(stack.api("/api/folders"), json={"name": "Review"}, timeout=TIMEOUT)
    assert folder.status_code == 201, folder.text
    return {"contact_id": contact.json()["id"], "folder_id": folder.json()["id"]}
