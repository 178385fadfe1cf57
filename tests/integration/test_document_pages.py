"""Where each value was read, through the real handlers on moto: extraction records field_locations and stores
each page's image beside the file; GET /api/documents/{id}/pages serves them through short-lived URLs with the
words read on them; deleting the document erases them with its file."""

from __future__ import annotations

import io

import boto3
import requests
from PIL import Image

from tests.support.aws_stack import AwsStack
from tests.support.documents import invoice_pdf


def _extracted(stack: AwsStack, contact: dict, folder: dict) -> int:
    r = stack.upload(invoice_pdf(total="18,500.00"), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    stack.deliver_s3_events()
    return int(r.json()["id"])


def _page_objects(stack: AwsStack, document_id: int) -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=stack.bucket, Prefix=f"pages/{document_id}/")
    return [version["Key"] for version in (*listed.get("Versions", []), *listed.get("DeleteMarkers", []))]


def test_the_record_says_where_each_value_was_read(stack, contact, folder):
    document = stack.document(_extracted(stack, contact, folder))

    assert document["extracted_fields"]["total_amount"] == "18500.00"
    total = document["field_locations"]["total_amount"]
    assert total["page"] == 1
    x0, y0, x1, y1 = total["box"]
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    assert all(len(str(edge).split(".")[-1]) <= 4 for edge in total["box"]), "stored rounded"


def test_the_pages_are_served_as_images_with_their_words(stack, contact, folder):
    document_id = _extracted(stack, contact, folder)

    r = stack.request("GET", f"/api/documents/{document_id}/pages")

    assert r.status == 200, r.body
    assert r.headers["cache-control"] == "no-store"
    answer = r.json()
    (page,) = answer["pages"]
    assert page["page"] == 1 and answer["expires_in"] > 0
    image = Image.open(io.BytesIO(requests.get(page["url"], timeout=10).content))
    assert (image.format, image.width, image.height) == ("JPEG", page["width"], page["height"])
    (total,) = [word for word in page["words"] if word["text"] == "18,500.00"]
    assert total["box"] == stack.document(document_id)["field_locations"]["total_amount"]["box"]
    # The images are not documents: no extraction run starts for them.
    assert all(key.startswith(f"pages/{document_id}/") for key in _page_objects(stack, document_id))
    assert stack.deliver_s3_events() == []


def test_a_document_not_yet_read_has_no_pages(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})

    pages = stack.request("GET", f"/api/documents/{r.json()['id']}/pages")

    assert pages.status == 200 and pages.json()["pages"] == []
    assert stack.request("GET", "/api/documents/987654/pages").status == 404


def test_deleting_the_document_erases_its_page_images(stack, contact, folder):
    document_id = _extracted(stack, contact, folder)
    kept_id = _extracted(stack, contact, folder)
    assert len(_page_objects(stack, document_id)) == 2  # the page and the list of pages

    assert stack.request("DELETE", f"/api/documents/{document_id}").status == 204

    assert _page_objects(stack, document_id) == []
    assert len(_page_objects(stack, kept_id)) == 2, "the other document keeps its pages"
