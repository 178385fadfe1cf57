"""What one Lambda execution environment must not share with another restored from the same SnapStart snapshot.

With SnapStart (template parameter EnableSnapStart), Lambda initialises a function version once, snapshots
its memory, and resumes every later cold start from that snapshot. Whatever the initialisation left in
memory is then the same in every environment: the `random` module's state, boto3 sessions and clients with
their open connections and cached credentials (Lambda gives each restored environment its own), and the
services built on them. `forget_environment` drops all of it after a restore; it is registered with the
runtime's `snapshot_restore_py.register_after_restore` by `register_restore_hooks`, which does nothing where
that module does not exist (outside Lambda, or without SnapStart's runtime support), so tests and the local
stack are unaffected.

Ids are not at risk: document, contact and folder ids come from DynamoDB counters, token and object-key
secrets from `secrets` (os.urandom), never from state kept in memory.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

_registered = False


def forget_environment() -> None:
    """Fresh randomness, and no AWS client, session, credentials or service made before the snapshot."""
    random.seed()  # from os.urandom: each restored environment gets its own sequence
    # Only modules that are loaded: importing one here would only add to the restore's time.
    for module_name, names in (
        ("recordengine.settings", ("get_settings",)),
        ("recordengine.storage.dynamo", ("default_dynamodb_client",)),
        ("recordengine.storage.blobs", ("default_s3_client",)),
        ("recordengine.idempotency", ("_persistence",)),
        ("recordengine.wiring", None),
    ):
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for cached in _cached_functions(module, names):
            cached.cache_clear()  # type: ignore[attr-defined]
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        # The default session caches the credentials it resolved; restored environments get their own.
        boto3.DEFAULT_SESSION = None  # type: ignore[attr-defined]


def _cached_functions(module: object, names: tuple[str, ...] | None) -> list[Callable[..., object]]:
    candidates = [getattr(module, name, None) for name in (names or dir(module))]
    return [c for c in candidates if callable(c) and hasattr(c, "cache_clear")]


def register_restore_hooks() -> bool:
    """Registers `forget_environment` to run after each SnapStart restore; False (a no-op) outside Lambda."""
    global _registered
    if _registered:
        return True
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    register_after_restore(forget_environment)
    _registered = True
    return True


__all__ = ["forget_environment", "register_restore_hooks"]
