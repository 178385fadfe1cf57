"""Deleted means gone, through the real handlers on moto: the file and every version of it leave the
versioned bucket."""

from __future__ import annotations

import json

import boto3

from recordengine.storage.blobs import BlobStore
from tests.support.aws_stack import AwsStack
from tests.support.documents import invoice_pdf

REFS = {"crm": {"record_id": "REC-0042"}}


def upload(stack: AwsStack, contact: dict, folder: dict, content: bytes | None = None) -> int:
    r = stack.upload(
        invoice_pdf() if content is None else content,
        fields={"contact_id": contact["id"], "folder_id": folder["id"], "external_refs": json.dumps(REFS)},
    )
    assert r.status == 201, r.body
    return int(r.json()["id"])


# ---------------------------------------------------------------- the versioned bucket


def file_versions(stack: AwsStack, doc_id: int) -> list[str]:
    """The versions and delete markers of every object of the document."""
    listed = boto3.client("s3").list_object_versions(Bucket=stack.bucket, Prefix=f"documents/{doc_id}/")
    return [f"{v['Key']}@{v['VersionId']}" for v in (*listed.get("Versions", []), *listed.get("DeleteMarkers", []))]


def test_the_file_and_every_version_of_it_are_erased(stack, contact, folder):
    s3 = boto3.client("s3")
    assert s3.get_bucket_versioning(Bucket=stack.bucket)["Status"] == "Enabled", "the template's versioning"
    doc_id = upload(stack, contact, folder)
    kept_id = upload(stack, contact, folder)
    (stored,) = s3.list_objects_v2(Bucket=stack.bucket, Prefix=f"documents/{doc_id}/")["Contents"]
    key = stored["Key"]
    s3.put_object(Bucket=stack.bucket, Key=key, Body=b"%PDF-1.7 a second version")
    s3.delete_object(Bucket=stack.bucket, Key=key)  # a delete marker over both
    s3.put_object(Bucket=stack.bucket, Key=key, Body=b"%PDF-1.7 a third, after the marker")
    assert len(file_versions(stack, doc_id)) == 4

    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204

    assert file_versions(stack, doc_id) == [], "no version and no delete marker is left to recover"
    assert len(file_versions(stack, kept_id)) == 1, "the other document keeps its file"


def test_erasing_a_file_leaves_keys_it_is_only_the_start_of(aws):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="files")
    s3.put_bucket_versioning(Bucket="files", VersioningConfiguration={"Status": "Enabled"})
    for key in ("documents/7/abc", "documents/7/abcdef", "documents/7/abc", "documents/70/abc"):
        s3.put_object(Bucket="files", Key=key, Body=b"x")

    BlobStore("files", s3).delete("documents/7/abc")

    listed = s3.list_object_versions(Bucket="files")
    assert sorted(v["Key"] for v in listed.get("Versions", [])) == ["documents/7/abcdef", "documents/70/abc"]
    assert "DeleteMarkers" not in listed
