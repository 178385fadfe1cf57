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
            sender_id="1",
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


LIST_PATHS = [
    "/api/documents",
    "/api/contacts",
    "/api/folders",
    "/api/profiles",
    "/api/rules",
    "/api/webhooks",
    "/api/documents/1/history",
]


def get_raw(stack, target, headers=()):
    """GET `target` exactly as written (the query is not encoded again)."""
    from local.gateway import HttpRequest
    from tests.support.aws_stack import Response

    all_headers = [("host", "127.0.0.1:3000"), ("authorization", f"Bearer {stack.token}"), *headers]
    response, _ = stack.gateway.handle(HttpRequest("GET", target, all_headers, b""))
    return Response(response.status, {k.lower(): v for k, v in response.headers}, response.body)


@pytest.fixture
def one_document(stack, contact, folder):
    from tests.support.documents import invoice_pdf

    assert stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}).status == 201
    return stack


# Python's int() reads each of these as a number; a client that wrote one may have meant something else.
NOT_DECIMAL_DIGITS = ["%205", "5%20", "%2B5", "-0", "1_0", "%D9%A5", "0x10", "1e2", "1.0", "true", "NaN", "Infinity"]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_numbers_are_decimal_digits(one_document, path):
    for name in ("limit", "offset"):
        for value in NOT_DECIMAL_DIGITS:
            r = get_raw(one_document, f"{path}?{name}={value}")
            assert r.status == 422, (path, name, value, r.status, r.body)
            assert name in r.body.decode()
        assert get_raw(one_document, f"{path}?{name}=0005").status == 200


def test_list_filters_by_id_are_decimal_digits(one_document):
    for name in ("contact_id", "folder_id"):
        for value in [*NOT_DECIMAL_DIGITS, "1e400", "9" * 19, "0", ""]:
            r = get_raw(one_document, f"/api/documents?{name}={value}")
            assert r.status == 422, (name, value, r.status, r.body)
        r = get_raw(one_document, f"/api/documents?{name}=1")
        assert r.status == 200 and r.json()["total"] == 1, r.body


def test_upload_ids_are_decimal_digits(stack, contact, folder):
    from tests.support.documents import invoice_pdf

    for value in (" 1", "+1", "1_0", "\u0661", "1.0", "0x1"):
        r = stack.upload(invoice_pdf(), fields={"contact_id": value, "folder_id": "1"})
        assert r.status == 422 and "contact_id" in r.body.decode(), (value, r.status, r.body)
    assert stack.request("GET", "/api/documents").json()["total"] == 0


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_query_parameter_given_twice_is_422(one_document, path):
    for query in ("limit=1&limit=200", "offset=0&offset=1", "limit=5&limit=5", "cursor=a&cursor=b"):
        r = get_raw(one_document, f"{path}?{query}")
        assert r.status == 422 and "once" in r.json()["detail"], (path, query, r.status, r.body)


def test_a_filter_given_twice_is_422(one_document):
    for query in ("status=New&status=Approved", "contact_id=1&contact_id=2", "external_ref=a:1&external_ref=b:2"):
        r = get_raw(one_document, f"/api/documents?{query}")
        assert r.status == 422 and "once" in r.json()["detail"], (query, r.status, r.body)


def test_limit_and_offset_at_their_edges(one_document):
    for query, status in [
        ("limit=1", 200),
        ("limit=200", 200),
        ("limit=0", 422),
        ("limit=201", 422),
        ("limit=-1", 422),
        ("offset=0", 200),
        ("offset=1000000", 200),
        ("offset=1000001", 422),
        ("offset=" + "9" * 5000, 422),
        ("limit=" + "1" * 100_000, 422),
    ]:
        for path in LIST_PATHS:
            r = get_raw(one_document, f"{path}?{query}")
            assert r.status == status, (path, query[:40], r.status, r.body[:200])


def _cursor(text):
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGED_CURSORS = [
    "",
    "abc",
    "A" * 64,
    "A" * 65,
    "%00",
    "%FF%FE",
    "eyJ9",
    "MjAy!!",
    _cursor("position:0"),
    _cursor("position:-1"),
    _cursor("position:" + "9" * 10),
    _cursor("2025-01-01T00:00:00Z#000000000000"),
    _cursor("2025-02-30T00:00:00Z#000000000001"),
    _cursor("0000-01-01T00:00:00Z#000000000001"),
    _cursor("9999-12-31T23:59:59Z#000000000001"),
    _cursor("2025-01-01T00:00:00Z#1"),
    _cursor("2025-01-01T00:00:00+01:00#000000000001"),
    _cursor("position:1") + "=",
]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_cursors_the_api_did_not_write_are_422(one_document, path):
    for cursor in FORGED_CURSORS:
        r = get_raw(one_document, f"{path}?cursor={cursor}")
        assert r.status == 422 and r.json()["detail"], (path, cursor, r.status, r.body)


def test_a_cursor_of_one_list_is_not_a_cursor_of_another(one_document):
    documents_cursor = _cursor("2025-01-01T00:00:00Z#000000000001")
    position_cursor = _cursor("position:1")
    assert get_raw(one_document, f"/api/contacts?cursor={documents_cursor}").status == 422
    assert get_raw(one_document, f"/api/documents?cursor={position_cursor}").status == 422


def test_cursors_far_back_or_far_on_answer_an_empty_page(one_document):
    for moment in ("0001-01-01T00:00:00Z", "1582-10-10T00:00:00Z", "1970-01-01T00:00:00Z"):
        cursor = _cursor(f"{moment}#000000000001")
        for extra in (
            "",
            "&status=Approved",
            "&contact_id=1&folder_id=1",
            "&created_from=1583-01-01",
            "&offset=1000000",
        ):
            r = get_raw(one_document, f"/api/documents?cursor={cursor}{extra}")
            assert r.status == 200 and r.json()["documents"] == [], (moment, extra, r.status, r.body)
    for path in LIST_PATHS[1:]:
        r = get_raw(one_document, f"{path}?cursor={_cursor('position:999999999')}&offset=1000000&limit=200")
        assert r.status == 200, (path, r.status, r.body)
        assert r.json()["next_cursor"] is None


def test_huge_query_strings_are_never_a_5xx(one_document):
    for query in (
        "unknown=" + "x" * 100_000,
        "&".join(f"p{n}=1" for n in range(5000)),
        "external_ref=crm:" + "x" * 100_000,
        "status=" + "%FF" * 10_000,
        "created_from=" + "9" * 100_000,
        "cursor=" + "A" * 100_000,
    ):
        r = get_raw(one_document, f"/api/documents?{query}")
        assert r.status in (200, 400, 413, 414, 422), (query[:40], r.status, r.body[:200])
        if r.status != 200:
            assert r.json()["detail"]


def test_parameters_a_list_does_not_take_are_ignored(one_document):
    r = get_raw(one_document, "/api/contacts?contact_id=NaN&status=%ED%A0%80&q=x")
    assert r.status == 200 and r.json()["total"] == 1, r.body


# If-Match values that name no version: the change is refused with 412 (RFC 9110), never a 5xx.
ODD_IF_MATCH = [
    '"\xb2"',
    '"\xb9\xb3"',
    "\xb2",
    '"\x85"',
    'W/"' + "9" * 40 + '"',
    '"-1", "1"',
    '"1_0"',
    '" 1"',
    '""',
    "W/",
]


@pytest.mark.parametrize("if_match", ODD_IF_MATCH)
def test_if_match_naming_no_version_is_412(one_document, if_match):
    for method, path, body in (
        ("PATCH", "/api/documents/1", {"notes": "x"}),
        ("PATCH", "/api/documents/1/status", {"status": "Approved"}),
    ):
        r = one_document.request(method, path, json_body=body, headers={"If-Match": if_match})
        assert r.status == 412 and r.json()["detail"], (method, if_match, r.status, r.body)
    assert one_document.document(1)["version"] == 1


@pytest.mark.parametrize("key", ["k\x85", "k\x7f", "k\t", "k\xa0", "\u202e".encode().decode("latin-1"), "x" * 256])
def test_idempotency_keys_hold_no_hidden_characters(stack, contact, folder, key):
    from tests.support.documents import invoice_pdf

    r = stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}, headers={"Idempotency-Key": key})
    assert r.status == 422 and "Idempotency-Key" in r.json()["detail"], (key, r.status, r.body)
    assert stack.request("GET", "/api/documents").json()["total"] == 0


def _multipart(parts, boundary="----fuzz-boundary"):
    """A multipart body of (name, value, filename) parts, exactly as given (names may repeat)."""
    chunks = []
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_an_upload_field_given_twice_is_422(stack, contact, folder):
    from tests.support.documents import invoice_pdf

    assert stack.request("POST", "/api/contacts", json_body={"name": "Second"}).status == 201
    ids = [("contact_id", b"1", None), ("folder_id", b"1", None)]
    the_file = ("file", invoice_pdf(), "a.pdf")
    for parts, repeated in [
        ([*ids, ("contact_id", b"2", None), the_file], "contact_id"),
        ([*ids, the_file, ("file", b"%PDF-1.4 another", "b.pdf")], "file"),
        (
            [*ids, ("external_refs", b'{"a": {"record_id": "1"}}', None), ("external_refs", b"{}", None), the_file],
            "external_refs",
        ),
        ([*ids, ("profile_id", b"1", None), ("profile_id", b"1", None), the_file], "profile_id"),
    ]:
        body, content_type = _multipart(parts)
        r = stack.request("POST", "/api/documents/upload", body=body, headers={"content-type": content_type})
        assert r.status == 422 and repeated in r.json()["detail"], (repeated, r.status, r.body)
    assert stack.request("GET", "/api/documents").json()["total"] == 0
    assert boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("KeyCount", 0) == 0
    body, content_type = _multipart([*ids, the_file])
    assert (
        stack.request("POST", "/api/documents/upload", body=body, headers={"content-type": content_type}).status == 201
    )
