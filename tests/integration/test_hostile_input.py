"""Values that JSON and Python accept but DynamoDB cannot store are refused at the edge (422 with a detail):
nothing half-made is left behind, and lists and reads keep working."""

import json

import boto3
import pytest

from tests.support.documents import invoice_pdf

HOSTILE_REFS = {
    "NaN": '{"crm": {"record_id": NaN}}',
    "Infinity": '{"crm": {"record_id": Infinity}}',
    "1e400": '{"crm": {"record_id": 1e400}}',
    "1e200": '{"crm": {"amount": 1e200}}',
    "1e-300": '{"crm": {"amount": 1e-300}}',
    "45 digits": '{"crm": {"record_id": 123456789012345678901234567890123456789012345}}',
    "lone surrogate": '{"crm": {"record_id": "\\ud800"}}',
    "lone surrogate key": '{"crm\\udc00": {"record_id": "1"}}',
    "empty key": '{"": {"record_id": "1"}}',
    "empty nested key": '{"crm": {"": "1"}}',
    "500 levels": '{"a":' * 500 + "1" + "}" * 500,
    "100000 levels": "[" * 100_000 + "]" * 100_000,
    "half a megabyte": json.dumps({"crm": {"record_id": "x" * 500_000}}),
    "record id over 256 bytes": json.dumps({"salesforce": {"record_id": "€" * 100}}),
    "system over 256 bytes": json.dumps({"s" * 2100: {"record_id": "1"}}),
    "26 systems": json.dumps({f"s{n}": {"record_id": str(n)} for n in range(26)}),
}


def total(stack, **params):
    r = stack.request("GET", "/api/documents", params=params)
    assert r.status == 200, r.body
    return r.json()["total"]


def stored_objects(stack) -> int:
    return boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("KeyCount", 0)


@pytest.mark.parametrize("case", sorted(HOSTILE_REFS))
def test_unstorable_external_refs_are_refused_by_both_uploads(stack, contact, folder, case):
    ids = {"contact_id": contact["id"], "folder_id": folder["id"]}
    r = stack.upload(invoice_pdf(), fields={**ids, "external_refs": HOSTILE_REFS[case]})
    assert r.status == 422, (case, r.status, r.body[:300])
    assert isinstance(r.json()["detail"], str) and "external_refs" in r.json()["detail"]
    # The presigned upload takes external_refs as a JSON object of its body.
    body = b'{"contact_id": %d, "folder_id": %d, "filename": "a.pdf", "external_refs": %s}' % (
        contact["id"],
        folder["id"],
        HOSTILE_REFS[case].encode(),
    )
    r = stack.request("POST", "/api/documents/uploads", body=body, headers={"content-type": "application/json"})
    assert r.status == 422, (case, r.status, r.body[:300])
    assert r.json()["detail"]
    assert total(stack) == 0 and stored_objects(stack) == 0
    assert total(stack, contact_id=contact["id"], limit=200) == 0


def test_external_refs_at_the_limits_are_stored_and_found(stack, contact, folder):
    refs = {"salesforce": {"record_id": "€" * 85, "amount": 9.99e125, "tiny": 1e-130}, "s" * 256: {"record_id": 1}}
    r = stack.upload(
        invoice_pdf(),
        fields={"contact_id": contact["id"], "folder_id": folder["id"]} | {"external_refs": json.dumps(refs)},
    )
    assert r.status == 201, r.body
    found = stack.request("GET", "/api/documents", params={"external_ref": f"salesforce:{'€' * 85}"})
    assert [d["id"] for d in found.json()["documents"]] == [r.json()["id"]]
    assert stack.document(r.json()["id"])["external_refs"]["salesforce"]["tiny"] == 1e-130


@pytest.mark.parametrize(
    "params",
    [
        {"external_ref": "salesforce:" + "x" * 257},
        {"external_ref": "s" * 2100 + ":1"},
        {"contact_id": "9" * 19},
        {"folder_id": "9" * 4000},
        {"contact_id": "0"},
    ],
)
def test_list_filters_that_could_not_be_a_key_are_422(stack, params):
    r = stack.request("GET", "/api/documents", params=params)
    assert r.status == 422 and r.json()["detail"], (params, r.status, r.body[:300])


@pytest.mark.parametrize(
    "value",
    [
        "1e300",
        "-1e300",
        "1e-300",
        "1e400",
        "NaN",
        "-Infinity",
        "123456789012345678901234567890123456789012",
        '"\\ud800"',
    ],
)
def test_unstorable_rule_values_are_422(stack, value):
    body = (
        '{"name": "hostile", "conditions": [{"field": "confidence_score", "op": ">=", "value": VALUE}], '
        '"actions": [{"type": "add_note", "value": "x"}]}'.replace("VALUE", value)
    )
    r = stack.request("POST", "/api/rules", body=body.encode(), headers={"content-type": "application/json"})
    assert r.status == 422 and r.json()["detail"], (value, r.status, r.body[:300])
    assert stack.request("GET", "/api/rules").json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/contacts", '{"name": "Acme\\ud800"}'),
        ("/api/folders", '{"name": "\\udfffQ4"}'),
        ("/api/profiles", '{"name": "P", "doc_types": ["\\ud800"], "fields": [{"name": "total"}]}'),
        ("/api/profiles", '{"name": "P", "fields": [{"name": "total", "description": "\\ud800"}]}'),
        (
            "/api/rules",
            '{"name": "\\ud800", "conditions": [{"field": "status", "op": "exists"}], '
            '"actions": [{"type": "add_note", "value": "x"}]}',
        ),
        (
            "/api/rules",
            '{"name": "r", "conditions": [{"field": "status", "op": "exists"}], '
            '"actions": [{"type": "add_note", "value": "note\\ud800"}]}',
        ),
        (
            "/api/rules",
            '{"name": "r", "conditions": [{"field": "status\\ud800", "op": "exists"}], '
            '"actions": [{"type": "add_note", "value": "x"}]}',
        ),
        (
            "/api/rules",
            '{"name": "r", "conditions": [{"field": "status", "op": "==", "value": "New\\ud800"}], '
            '"actions": [{"type": "add_note", "value": "x"}]}',
        ),
        ("/api/webhooks", '{"url": "https://example.com/\\ud800"}'),
        ("/api/webhooks", '{"url": "https://example.com/", "description": "\\ud800"}'),
        ("/api/documents/uploads", '{"contact_id": 1, "folder_id": 1, "filename": "a\\ud800.pdf"}'),
        ("/api/documents/uploads", '{"contact_id": 10000000000000000000, "folder_id": 1, "filename": "a.pdf"}'),
        ("/api/contacts", '{"name": "Acme", "default_profile_id": 1e400}'),
    ],
)
def test_text_that_is_not_unicode_and_ids_out_of_range_are_422(stack, contact, folder, path, body):
    r = stack.request("POST", path, body=body.encode(), headers={"content-type": "application/json"})
    assert r.status == 422, (path, body, r.status, r.body[:300])
    assert r.json()["detail"]
    r.body.decode("utf-8")  # the answer never carries what could not be encoded


@pytest.mark.parametrize("path", ["/api/contacts", "/api/folders", "/api/rules", "/api/documents/uploads"])
@pytest.mark.parametrize(
    "body",
    [b'{"name": "\xff\xfe"}', b"\xef\xbb\xbf\xff", b"[" * 100_000 + b"]" * 100_000, b'{"name": "a"' + b"\xc3"],
)
def test_json_that_is_not_utf8_or_too_deep_is_422(stack, path, body):
    r = stack.request("POST", path, body=body, headers={"content-type": "application/json"})
    assert r.status == 422, (path, r.status, r.body[:300])
    assert r.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\ntruncated',
        b"--xyz\r\nno headers at all",
        b'--xyz\r\nContent-Disposition: form-data; name="contact_id"\r\n\r\n' + b"1" * (2 * 1024 * 1024),
    ],
)
def test_malformed_multipart_is_422(stack, body):
    r = stack.request(
        "POST", "/api/documents/upload", body=body, headers={"content-type": "multipart/form-data; boundary=xyz"}
    )
    assert r.status == 422, (r.status, r.body[:300])
    assert r.json()["detail"]
    assert stored_objects(stack) == 0


@pytest.mark.parametrize(
    "body",
    [b'{"status": "Approved\\ud800"}', b'{"status": "\xff"}', b"\xff\xfe", b"[" * 100_000, b'{"status": NaN}'],
)
def test_the_status_route_keeps_its_published_400_for_any_malformed_body(stack, contact, folder, body):
    doc = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]}).json()
    r = stack.request(
        "PATCH", f"/api/documents/{doc['id']}/status", body=body, headers={"content-type": "application/json"}
    )
    assert r.status == 400, (body[:40], r.status, r.body[:300])
    assert r.json()["detail"]
    assert stack.document(doc["id"])["status"] == "New"


def test_a_status_error_quotes_only_a_short_excerpt(stack, contact, folder):
    doc = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]}).json()
    r = stack.request("PATCH", f"/api/documents/{doc['id']}/status", json_body={"status": "x" * 100_000})
    assert r.status == 400 and len(r.body) < 1000


def test_control_and_bidi_characters_are_removed_from_stored_filenames(stack, contact, folder):
    ids = {"contact_id": contact["id"], "folder_id": folder["id"]}
    uploaded = stack.upload(invoice_pdf(), filename="invoice\u202egpj.pdf", fields=ids)
    assert uploaded.status == 201 and uploaded.json()["filename"] == "invoicegpj.pdf"
    presigned = stack.request("POST", "/api/documents/uploads", json_body={**ids, "filename": "scan\u2028\u200f.pdf"})
    assert presigned.status == 201 and presigned.json()["filename"] == "scan.pdf"
    listed = stack.request("GET", "/api/documents").json()["documents"]
    assert sorted(d["filename"] for d in listed) == ["invoicegpj.pdf", "scan.pdf"]


@pytest.mark.parametrize(
    ("maker", "filename", "reason"),
    [
        ("pdf_with_image_in_forms", "scan.pdf", "The PDF contains an image too large to read."),
        ("pdf_with_inline_image", "scan.pdf", "The PDF contains an image too large to read."),
        ("tiff_with_a_large_later_page", "fax.tiff", "The image is too large to read (24000 x 24000 pixels)."),
        ("jpeg_of_many_scans", "photo.jpg", "The JPEG image is encoded in too many scans to read (3000)."),
    ],
    ids=["image-in-forms", "inline-image", "tiff-large-later-page", "jpeg-3000-scans"],
)
def test_a_file_whose_images_would_exhaust_the_function_ends_in_exception_with_the_reason(
    stack, contact, folder, maker, filename, reason
):
    from tests.unit.extraction import hostile_fixtures

    r = stack.upload(
        getattr(hostile_fixtures, maker)(),
        filename=filename,
        fields={"contact_id": contact["id"], "folder_id": folder["id"]},
    )
    assert r.status == 201
    assert stack.deliver_s3_events() == [{"outcomes": ["failed"]}]
    document = stack.document(r.json()["id"])
    assert (document["status"], document["error"]) == ("Exception", reason)
