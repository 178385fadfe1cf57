"""moto answers as AWS does where the application can see the difference (local/moto_patches.py)."""

from __future__ import annotations

import boto3
import pytest
import requests

BUCKET = "documents"


@pytest.fixture
def s3(aws: None):  # type: ignore[no-untyped-def]
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"ResponseContentType": "application/pdf"},
        {"ResponseContentDisposition": "attachment; filename=\"x.pdf\"; filename*=UTF-8''x.pdf"},
    ],
)
def test_a_presigned_get_of_a_deleted_key_is_404_whatever_response_overrides_it_carries(s3, overrides):
    s3.put_object(Bucket=BUCKET, Key="documents/1/file", Body=b"%PDF-1.7")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "documents/1/file", **overrides})
    assert requests.get(url, timeout=5).content == b"%PDF-1.7"

    s3.delete_object(Bucket=BUCKET, Key="documents/1/file")
    gone = requests.get(url, timeout=5)

    assert gone.status_code == 404
    assert b"NoSuchKey" in gone.content


def test_a_presigned_put_still_needs_the_content_type_it_was_signed_with(s3):
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": "documents/2/file", "ContentType": "application/pdf"}
    )

    wrong = requests.put(url, data=b"%PDF-1.7", headers={"Content-Type": "image/png"}, timeout=5)
    right = requests.put(url, data=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}, timeout=5)

    assert wrong.status_code == 403
    assert right.status_code == 200


@pytest.fixture
def dynamodb(aws: None):  # type: ignore[no-untyped-def]
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(
        TableName="items",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return client


def _item(value: str, sk: str = "a") -> dict:
    return {"pk": {"S": "p"}, "sk": {"S": sk}, "value": {"S": value}}


def _stream_keys(table) -> list[str]:  # type: ignore[no-untyped-def]
    """The range keys of the records on the table's live stream shard, the one stream readers hold."""
    return [record.to_json()["dynamodb"]["Keys"]["sk"]["S"] for record in table.stream_shard.items]


def test_a_cancelled_transaction_leaves_every_item_as_it_was_and_the_stream_goes_on(dynamodb):
    from moto.dynamodb.models import dynamodb_backends

    dynamodb.put_item(TableName="items", Item=_item("kept", "a"))
    dynamodb.put_item(TableName="items", Item=_item("deleted in vain", "b"))
    table = dynamodb_backends["123456789012"]["us-east-1"].tables["items"]
    shard = table.stream_shard

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "items", "Item": _item("new", "c")}},
                {
                    "Update": {
                        "TableName": "items",
                        "Key": {"pk": {"S": "p"}, "sk": {"S": "a"}},
                        "UpdateExpression": "SET #v = :v",
                        "ExpressionAttributeNames": {"#v": "value"},
                        "ExpressionAttributeValues": {":v": {"S": "changed"}},
                    }
                },
                {"Delete": {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}}}},
                {
                    "ConditionCheck": {
                        "TableName": "items",
                        "Key": {"pk": {"S": "p"}, "sk": {"S": "missing"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    items = dynamodb.query(
        TableName="items", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )["Items"]
    assert [(item["sk"]["S"], item["value"]["S"]) for item in items] == [("a", "kept"), ("b", "deleted in vain")]
    assert dynamodb_backends["123456789012"]["us-east-1"].tables["items"] is table, "the table is not replaced"
    dynamodb.put_item(TableName="items", Item=_item("after", "d"))
    assert table.stream_shard is shard, "the live shard stays"
    assert _stream_keys(table) == ["a", "b", "d"], "no record of the cancelled writes"
