"""API bearer tokens: `re_<key id>_<secret>`, 256 random bits of secret, stored only as a SHA-256 hash.

The key id (48 random bits, not secret) locates the stored hash with one GetItem; the secret's hash is
then compared in constant time. A fast hash is right here: the secret is random, not a password, so
there is nothing to guess by brute force.

Each token carries scopes (README, "Tokens and scopes"): what it may read and change. Tokens stored
before scopes existed have none recorded and keep every scope.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .clock import now_timestamp
from .storage import keys
from .storage.table import Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TOKEN_PATTERN = re.compile(r"^re_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")


class TokenScope(StrEnum):
    # Read documents, and the contacts, folders and profiles they are filed under.
    DOCUMENTS_READ = "documents:read"
    # Upload documents, set their status; create contacts, folders and profiles.
    DOCUMENTS_WRITE = "documents:write"
    # Rules and webhooks: they act on every document, whoever uploaded it.
    ADMIN = "admin"


ALL_SCOPES = frozenset(TokenScope)
_SCOPE_NAMES = frozenset(scope.value for scope in TokenScope)
# What `tokens create` grants unless told otherwise: a connector that files and reviews documents.
DEFAULT_SCOPES = frozenset({TokenScope.DOCUMENTS_READ, TokenScope.DOCUMENTS_WRITE})


def parse_scopes(values: Iterable[str]) -> frozenset[TokenScope]:
    """Scope names, each given alone or comma-separated ("documents:read,admin"); ValueError for unknown ones."""
    scopes: set[TokenScope] = set()
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if not name:
                continue
            try:
                scopes.add(TokenScope(name))
            except ValueError:
                known = ", ".join(scope.value for scope in TokenScope)
                raise ValueError(f"'{name}' is not a scope; use {known}.") from None
    if not scopes:
        raise ValueError("A token needs at least one scope.")
    return frozenset(scopes)


def _stored_scopes(item: dict[str, object]) -> frozenset[TokenScope]:
    stored = item.get("scopes")
    if stored is None:
        return ALL_SCOPES  # issued before scopes existed: it could always do everything
    names = stored if isinstance(stored, list | set | tuple) else []
    # A scope this version does not know (written by a newer one) grants nothing here.
    return frozenset(TokenScope(name) for name in names if name in _SCOPE_NAMES)


def generate_token() -> str:
    return f"re_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    key_id: str
    name: str
    created_at: str
    revoked_at: str | None = None
    scopes: frozenset[TokenScope] = field(default=ALL_SCOPES)


@dataclass(frozen=True)
class IssuedToken(TokenInfo):
    token: str = ""


def _token_info(item: dict[str, Any]) -> TokenInfo:
    return TokenInfo(item["key_id"], item["name"], item["created_at"], item.get("revoked_at"), _stored_scopes(item))


class TokenStore:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table = Table(table_name, client) if client is not None else Table(table_name)

    def create(self, name: str, token: str | None = None, scopes: Iterable[TokenScope] = ALL_SCOPES) -> IssuedToken:
        """Issues a token (or registers a given well-formed one); the plain token is never stored."""
        token = token or generate_token()
        match = TOKEN_PATTERN.match(token)
        if match is None:
            raise ValueError("A token looks like re_<12 hex digits>_<43 URL-safe base64 characters>.")
        granted = frozenset(TokenScope(scope) for scope in scopes)
        if not granted:
            raise ValueError("A token needs at least one scope.")
        key_id = match["key_id"]
        created_at = now_timestamp()
        self.table.put_new(
            keys.TOKEN,
            key_id,
            {
                "key_id": key_id,
                "name": name,
                "secret_sha256": _secret_hash(match["secret"]),
                "scopes": sorted(scope.value for scope in granted),
                "created_at": created_at,
                "kind": keys.TOKEN,
                "created_sk": f"{created_at}#{key_id}",
            },
        )
        return IssuedToken(key_id=key_id, name=name, created_at=created_at, scopes=granted, token=token)

    def identify(self, token: str) -> TokenInfo | None:
        """The token's record (name, scopes); None for a malformed, unknown, revoked or forged one."""
        match = TOKEN_PATTERN.match(token)
        if match is None:
            return None
        stored = self.table.get(keys.TOKEN, match["key_id"])
        if stored is None or stored.get("revoked_at"):
            return None
        if not hmac.compare_digest(stored["secret_sha256"], _secret_hash(match["secret"])):
            return None
        return _token_info(stored)

    def scopes_of(self, token: str) -> frozenset[TokenScope] | None:
        """The scopes of a valid token; None for a malformed, unknown, revoked or forged one."""
        info = self.identify(token)
        return info.scopes if info is not None else None

    def is_valid(self, token: str) -> bool:
        return self.identify(token) is not None

    def list(self) -> list[TokenInfo]:
        page = self.table.newest_first(keys.BY_KIND_INDEX, "kind", keys.TOKEN, limit=10_000)
        return [_token_info(item) for item in page.items]

    def revoke(self, key_id: str) -> bool:
        """Revokes a token by its key id; False when there is no such token."""
        client = self.table.client
        try:
            client.update_item(
                TableName=self.table.name,
                Key=keys.item_key(keys.TOKEN, key_id),
                UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":now": {"S": now_timestamp()}},
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True
