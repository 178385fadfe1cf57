"""Uploaded files in S3, under keys the server generates: `documents/<document id>/<random>`.

The client's filename never becomes part of a key (it is kept as data on the document), so no name can
collide with, overwrite or escape to another object.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from recordengine.errors import StorageUnavailable

from .lazy import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

DOCUMENTS_PREFIX = "documents/"
# What the extraction keeps beside a document's file for learning (senders/learning.py), erased with it: under
# its own prefix, so that no upload event names it.
LAYOUTS_PREFIX = "layouts/"
_KEY_PATTERN = re.compile(r"^documents/(?P<id>[1-9][0-9]{0,17})/[0-9a-f]{32}$")


# The pages of a document's file as images (extraction/page_views.py), beside it under their own prefix: an
# object written under documents/ would start an extraction run (the bucket's event for that prefix).
PAGES_PREFIX = "pages/"
PAGES_MANIFEST = "pages.json"
PAGE_IMAGE_MEDIA_TYPE = "image/jpeg"


def pages_prefix(file_key: str) -> str:
    """Where the page images of the file at ``file_key`` are kept: ``pages/<document id>/<random>/``."""
    return f"{PAGES_PREFIX}{file_key.removeprefix(DOCUMENTS_PREFIX)}/"


def page_image_key(file_key: str, page: int) -> str:
    return f"{pages_prefix(file_key)}{page}.jpg"


# S3's error codes for a key with no object: GetObject's NoSuchKey, HeadObject's bare 404, NotFound.
_MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


def is_missing_object(error: BaseException) -> bool:
    """Whether a call failed because no object is at its key (S3 answers so only to a caller that may list the
    bucket; others get 403)."""
    from botocore.exceptions import ClientError

    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _MISSING_OBJECT_CODES


def new_document_key(document_id: int) -> str:
    return f"{DOCUMENTS_PREFIX}{document_id}/{secrets.token_hex(16)}"


def layout_key(document_key: str) -> str:
    """Where the page text read from the file at ``document_key`` is kept."""
    return LAYOUTS_PREFIX + document_key.removeprefix(DOCUMENTS_PREFIX)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment` (or `inline`) with the original name: an ASCII fallback and the exact name in RFC 5987 form."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def document_id_from_key(key: str) -> int | None:
    """The document an object belongs to, or None for a key the server did not generate."""
    match = _KEY_PATTERN.match(key)
    return int(match["id"]) if match else None


def plain_etag(etag: str) -> str:
    """An ETag as S3 events write it: without the quotes that S3's responses put around it."""
    return etag.strip('"')


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    etag: str

    @cached_property
    def sha256(self) -> str:
        # Hashed once per read, however many checks of the run ask (a file of 100 MiB takes about 0.08 s).
        return hashlib.sha256(self.content).hexdigest()


@lru_cache(maxsize=1)
def default_s3_client() -> S3Client:
    import boto3

    return boto3.client("s3")


@dataclass
class BlobStore:
    bucket: str
    # Made on first use: a function that never reads or writes files never builds an S3 client.
    client: S3Client = field(default_factory=lambda: cast("S3Client", LazyClient(default_s3_client)))

    def put(self, key: str, content: bytes, media_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=content, ContentType=media_type)

    def read(self, key: str, max_bytes: int) -> StoredFile:
        """The object now at `key`: its bytes, at most `max_bytes` of them (a bound on memory for hostile
        uploads), and its ETag."""
        response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes - 1}")
        return StoredFile(response["Body"].read(), plain_etag(response["ETag"]))

    def exists(self, key: str) -> bool:
        """Whether an object is at `key` (S3 answers 404 for a missing key to a caller that may list the bucket)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            if is_missing_object(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Erases the object and every version of it, delete markers included. The bucket is versioned: a
        plain delete would only add a delete marker, and the file would stay recoverable until its versions
        expire. Needs s3:ListBucketVersions on the bucket and s3:DeleteObjectVersion on the key."""
        # The key as a prefix also lists longer keys that start with it: only this one is erased.
        self._erase(key, lambda listed: listed == key)

    def delete_under(self, prefix: str) -> None:
        """Erases every object under ``prefix`` with every version of each (as ``delete``)."""
        self._erase(prefix, lambda listed: listed.startswith(prefix))

    def _erase(self, prefix: str, erased: Callable[[str], bool]) -> None:
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        while True:
            page = self.client.list_object_versions(**request)
            versions: list[ObjectIdentifierTypeDef] = [
                {"Key": version["Key"], "VersionId": version["VersionId"]}
                for version in (*page.get("Versions", []), *page.get("DeleteMarkers", []))
                if erased(version.get("Key", "")) and "VersionId" in version
            ]
            if versions:
                answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": versions, "Quiet": True})
                if answer.get("Errors"):
                    error = answer["Errors"][0]
                    raise StorageUnavailable(
                        f"{len(answer['Errors'])} version(s) under {prefix} were not deleted: {error.get('Code')}."
                    )
            if not page.get("IsTruncated"):
                return
            request["KeyMarker"] = page["NextKeyMarker"]
            request["VersionIdMarker"] = page["NextVersionIdMarker"]

    def presigned_get(
        self, key: str, filename: str, media_type: str | None, expires_in: int, disposition: str = "attachment"
    ) -> str:
        """A URL that downloads the object for `expires_in` seconds, saved under `filename` (or shown `inline`)."""
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename, disposition),
        }
        if media_type:
            params["ResponseContentType"] = media_type
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    def presigned_post(self, key: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
        """A browser-style POST upload for exactly this key, refused by S3 above `max_bytes`."""
        return self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
