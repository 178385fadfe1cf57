"""DynamoDB requests to the local moto server are applied one at a time, as DynamoDB applies each atomically."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from local.moto_server import SerializeDynamoDB


class SlowApp:
    """A WSGI app that records how many requests it is handling at once."""

    def __init__(self) -> None:
        self.active = 0
        self.most_active = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        time.sleep(0.02)
        with self.lock:
            self.active -= 1
        start_response("200 OK", [])
        return [b"a", b"b"]


def run_concurrently(app: SerializeDynamoDB, target: str, count: int = 8) -> list[list[bytes]]:
    results: list[list[bytes]] = []

    def call() -> None:
        results.append(list(app({"HTTP_X_AMZ_TARGET": target}, lambda *args: None)))

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_dynamodb_requests_run_one_at_a_time() -> None:
    inner = SlowApp()
    results = run_concurrently(SerializeDynamoDB(inner), "DynamoDB_20120810.UpdateItem")
    assert inner.most_active == 1
    assert results == [[b"ab"]] * 8


def test_stream_requests_too() -> None:
    inner = SlowApp()
    run_concurrently(SerializeDynamoDB(inner), "DynamoDBStreams_20120810.GetRecords")
    assert inner.most_active == 1


def test_other_services_stay_concurrent() -> None:
    inner = SlowApp()
    results = run_concurrently(SerializeDynamoDB(inner), "")
    assert inner.most_active > 1
    assert results == [[b"a", b"b"]] * 8
