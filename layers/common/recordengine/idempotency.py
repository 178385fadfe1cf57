"""Idempotency-Key support: a retried request returns the first one's response (Powertools idempotency)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import Conflict, InvalidInput
from .settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

MAX_KEY_LENGTH = 255


@lru_cache(maxsize=1)
def _persistence() -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from .storage.dynamo import default_dynamodb_client

    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table_name, boto3_client=default_dynamodb_client()
    )


def check_idempotency_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
    return key


def run_once(
    operation: Callable[[], dict[str, Any]],
    *,
    scope: str,
    key: str,
    fingerprint: str,
    lambda_context: Any | None = None,
    persistence: DynamoDBPersistenceLayer | None = None,
) -> dict[str, Any]:
    """Runs `operation` once per (scope, key); a repeat returns the stored result of the first run.

    `fingerprint` identifies the request's content: the same key with another request is refused.
    """
    # Imported here, not at the top: only requests that carry an Idempotency-Key pay for it.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="fingerprint",
        expires_after_seconds=get_settings().idempotency_expiry_seconds,
    )
    if lambda_context is not None:
        # With the context, a run that dies mid-way stops blocking retries when its Lambda would have timed out.
        config.register_lambda_context(lambda_context)

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="request", persistence_store=persistence or _persistence(), config=config
    )
    def run(request: dict[str, str]) -> dict[str, Any]:
        return operation()

    try:
        result: dict[str, Any] = run(
            request={"key": f"{scope}:{check_idempotency_key(key)}", "fingerprint": fingerprint}
        )
    except IdempotencyValidationError:
        raise InvalidInput("This Idempotency-Key was already used for a different request.") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("A request with this Idempotency-Key is still in progress; retry shortly.") from None
    return result
