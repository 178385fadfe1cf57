"""moto's server, with DynamoDB requests made atomic as they are in DynamoDB.

moto's threaded server runs requests concurrently and its DynamoDB backend has no locking, so two
concurrent `UpdateItem ADD counter :1` can both read the old value (two documents, one id) and a
conditional put can pass twice. DynamoDB applies each request atomically, and the application relies on
that (atomic counters, conditional writes), so DynamoDB requests go through one lock here. Other services
are left concurrent: an SQS long poll must not hold up everything else. A failed transaction leaves the
table's stream readable (local/moto_patches.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from .moto_patches import patch_moto

_SERIALIZED_TARGETS = ("DynamoDB_", "DynamoDBStreams_")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerializeDynamoDB:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(_SERIALIZED_TARGETS):
            return self.app(environ, start_response)
        with self.lock:
            result = self.app(environ, start_response)
            try:
                # The whole response inside the lock: a lazily produced body could still touch the backend.
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class LocalMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer (same start/stop), serving its app through SerializeDynamoDB."""

    def _server_entry(self) -> None:
        patch_moto()
        app = SerializeDynamoDB(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever(poll_interval=0.1)
