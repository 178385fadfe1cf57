"""Conversions between Python values and DynamoDB's typed attribute values, and the client factory.

boto3 is imported on first use, not with this module: importing boto3 (botocore's session and loaders) is a
large part of a cold start, and a function that never calls AWS (health, the OpenAPI document, the review
page, the answer to unknown routes) imports this module through the token check without ever using it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from recordengine.storable import MAX_NUMBER_DIGITS, as_dynamodb_number

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


@lru_cache(maxsize=1)
def _serializer() -> TypeSerializer:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@lru_cache(maxsize=1)
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


@lru_cache(maxsize=1)
def default_dynamodb_client() -> DynamoDBClient:
    import boto3

    return boto3.client("dynamodb")


def _to_storable(value: Any) -> Any:
    # DynamoDB numbers must be Decimal (the request models have checked that they fit).
    if isinstance(value, float):
        return as_dynamodb_number(value)
    if isinstance(value, dict):
        return {k: _to_storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_storable(v) for v in value]
    return value


# Integral numbers read back as ints, up to 38 digits. A larger one (1E+125) was written from a float, since a
# JSON integer of more digits is refused (storable.number_problem), and it reads back as that float: as an int
# of 126 digits, boto3 would refuse to write it again (DynamoDB numbers have 38 digits of precision).
_LARGEST_STORED_INT = Decimal(10**MAX_NUMBER_DIGITS - 1)


def _from_stored(value: Any) -> Any:
    if isinstance(value, Decimal):
        integral = value == value.to_integral_value() and abs(value) <= _LARGEST_STORED_INT
        return int(value) if integral else float(value)
    if isinstance(value, dict):
        return {k: _from_stored(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_stored(v) for v in value]
    return value


def serialize(value: Any) -> AttributeValueTypeDef:
    return _serializer().serialize(_to_storable(value))


def to_item(values: dict[str, Any]) -> dict[str, AttributeValueTypeDef]:
    return {name: serialize(value) for name, value in values.items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    deserializer = _deserializer()
    return {name: _from_stored(deserializer.deserialize(value)) for name, value in item.items()}
