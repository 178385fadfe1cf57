"""Malformed input of every kind gets a 4xx with a `detail`, never a 500, and stores nothing."""

import json

import boto3
import pytest

MULTIPART = "multipart/form-data; boundary=XyZ"

BODIES = [
    (b"", "application/json"),
    (b"{not json", "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b'{"name": "' + b"x" * 100_000 + b'"}', "application/json"),
    (b'{"name": null}', "application/json"),
    (b'{"name": "\\ud800"}', "application/json"),
    (b"name=x", "application/x-www-form-urlencoded"),
    (b"<xml/>", "application/xml"),
    (b'--XyZ\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end boundary', MULTIPART),
    (b"not multipart at all", MULTIPART),
    (b"--XyZ--\r\n", MULTIPART),
    (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\r\n--XyZ--\r\n',
        "multipart/form-data",
    ),
]


def api_routes(stack):
    from local.model import load_application

    for route in load_application(stack.template).routes:
        if route.path not in ("/api/health", "$default"):
            yield route.method, route.path


@pytest.mark.parametrize(("body", "content_type"), BODIES)
def test_malformed_bodies_on_every_route(stack, contact, folder, body, content_type):
    for method, template in api_routes(stack):
        path = template.format(
            document_id="1",
            contact_id="1",
            folder_id="1",
            profile_id="1",
            rule_id="1",
            webhook_id="1",
            delivery_id="1",
            name="app.js",
        )
        r = stack.request(method, path, body=body, headers={"content-type": content_type})
        assert 400 <= r.status < 500 or (method == "GET" and r.status == 200), (method, path, r.status, r.body)
        if r.status >= 400:
            assert json.loads(r.body)["detail"], (method, path)
    assert boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("KeyCount", 0) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "1e3"},
        {"limit": ""},
        {"offset": "abc"},
        {"offset": "99999999999999999999"},
        {"contact_id": "-1"},
        {"contact_id": "1; DROP TABLE"},
        {"folder_id": "9" * 40},
        {"status": "New%00"},
        {"status": "new"},
        {"created_from": "2025-02-30"},
        {"created_to": "\x00"},
        {"created_from": "2025-01-01T00:00:00+25:00"},
    ],
)
def test_malformed_list_parameters(stack, params):
    r = stack.request("GET", "/api/documents", params=params)
    assert r.status in (200, 400, 422), (params, r.status, r.body)
    if r.status != 200:
        assert r.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/%00",
        "/api/documents/1%2F2",
        "/api/documents/" + "9" * 30,
        "/api/documents/1.0",
        "/api/documents/%E2%80%AE1",
        "/api/contacts/../documents",
    ],
)
def test_odd_paths_are_404(stack, path):
    r = stack.request("GET", path)
    assert r.status == 404 and r.body


def test_upload_field_edge_cases(stack, contact, folder):
    from tests.support.documents import invoice_pdf

    for fields in (
        {"contact_id": str(contact["id"]), "folder_id": str(folder["id"]), "profile_id": ""},
        {"contact_id": f" {contact['id']} ", "folder_id": str(folder["id"])},
    ):
        r = stack.upload(invoice_pdf(), fields=fields)
        assert r.status in (201, 422), (fields, r.status, r.body)
    for fields in (
        {"contact_id": "0", "folder_id": str(folder["id"])},
        {"contact_id": "9" * 30, "folder_id": str(folder["id"])},
        {"contact_id": str(contact["id"]), "folder_id": str(folder["id"]), "external_refs": "1" * 10},
    ):
        r = stack.upload(invoice_pdf(), fields=fields)
        assert r.status == 422 and r.json()["detail"], (fields, r.status, r.body)


# Dates a client can write but the API cannot represent: years before 1583 or after 9999 in UTC, whether
# written as such or reached through an offset (9999-12-31T23:59:59-23:59 is a moment of the year 10000).
OUT_OF_RANGE_DATES = [
    "0001-01-01",
    "0999-06-01",
    "1582-12-31",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00Z",
    "1000-01-01T00:00:00",
]


@pytest.mark.parametrize("value", OUT_OF_RANGE_DATES)
@pytest.mark.parametrize("name", ["created_from", "created_to"])
def test_list_dates_the_api_cannot_represent_are_422(stack, name, value):
    r = stack.request("GET", "/api/documents", params={name: value})
    assert r.status == 422, (name, value, r.status, r.body)
    assert name in r.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"created_from": "1583-01-01"},
        {"created_to": "1583-01-01T12:00:00Z"},
        {"created_from": "9999-12-31"},
        {"created_from": "9999-12-31T12:00:00Z"},
        {"created_to": "9999-12-31T23:59:59Z"},
        {"created_from": "9999-12-31T12:00:00Z", "created_to": "9999-12-31T13:00:00Z"},
        {"created_from": "1583-01-01T00:00:01+00:00", "status": "Needs Review"},
    ],
)
def test_list_dates_at_the_edges_of_the_range_answer(stack, contact, folder, params):
    r = stack.request("GET", "/api/documents", params=params)
    assert r.status == 200, (params, r.status, r.body)
    assert r.json()["total"] == 0
