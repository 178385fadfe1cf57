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
