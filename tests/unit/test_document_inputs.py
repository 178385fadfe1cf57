import pytest

from recordengine.api.documents.upload import parse_external_refs
from recordengine.api.paths import path_id
from recordengine.documents import (
    clean_filename,
    parse_created_bound,
    parse_external_ref,
    parse_status,
    status_change,
)
from recordengine.errors import Conflict, InvalidInput, InvalidStatus, NotFound
from recordengine.models import ConfidenceLabel, Status


def test_every_published_status_parses_and_nothing_else():
    for status in Status:
        assert parse_status(status.value) is status
    for bad in ("approved", "Deleted", "", " New"):
        with pytest.raises(InvalidStatus):
            parse_status(bad)


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2025-11-15", False, "2025-11-15T00:00:00Z"),
        ("2025-11-15", True, "2025-11-15T23:59:59Z"),
        ("2025-11-15T08:23:41Z", False, "2025-11-15T08:23:41Z"),
        ("2025-11-15T09:23:41+01:00", True, "2025-11-15T08:23:41Z"),
        ("2025-11-15T08:23:41", False, "2025-11-15T08:23:41Z"),
    ],
)
def test_created_bounds_are_utc_timestamps(value, end, expected):
    assert parse_created_bound(value, "created_from", end_of_range=end) == expected


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-13-01",
        "15/11/2025",
        "2025-11-15T25:00:00Z",
        # Outside the years 1583..9999 of UTC, as written or through an offset.
        "0001-01-01",
        "1582-12-31T23:59:59Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+00:01",
    ],
)
def test_bad_created_bounds_are_422(value):
    with pytest.raises(InvalidInput, match="created_from"):
        parse_created_bound(value, "created_from", end_of_range=False)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("invoice.pdf", "invoice.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\scan 1.pdf", "scan 1.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        # Bidirectional overrides (Cf) would show "invoice\u202egpj.pdf" as "invoicefdp.jpg".
        ("invoice\u202egpj.pdf", "invoicegpj.pdf"),
        ("a\u2066b\u200bc\ufeffd.pdf", "abcd.pdf"),
        ("line\u2028para\u2029.pdf", "linepara.pdf"),
        ("lone\ud800.pdf", "lone.pdf"),
        ("\u202e\u202d", "document"),
        ("résumé 履歴書.pdf", "résumé 履歴書.pdf"),
        ("", "document"),
        (None, "document"),
        ("x" * 300 + ".pdf", "x" * 255),
    ],
)
def test_client_filenames_are_kept_as_safe_data(given, kept):
    assert clean_filename(given) == kept


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "١٢", "9" * 19, ""])
def test_path_ids_that_are_not_positive_integers_name_nothing(value):
    with pytest.raises(NotFound):
        path_id(value, "Document")


def test_path_ids():
    assert path_id("847", "Document") == 847


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '"text"', "42", "null"])
def test_external_refs_must_be_a_json_object(value):
    with pytest.raises(InvalidInput):
        parse_external_refs(value)


def test_external_refs():
    assert parse_external_refs('{"salesforce": {"record_id": "001"}}') == {"salesforce": {"record_id": "001"}}
    assert parse_external_refs(None) == {} and parse_external_refs("  ") == {}


@pytest.mark.parametrize(
    "value", ["crm\x00:1", "crm:\u202e1", "crm:1\x1b", "c\u2066rm:1", "crm:\ud8001", "crm:\x851", "\x1fcrm:1"]
)
def test_an_external_ref_filter_holds_what_external_refs_may_hold(value):
    with pytest.raises(InvalidInput, match="external_ref's"):
        parse_external_ref(value)


def test_an_external_ref_filter_is_a_system_and_a_record_id():
    assert parse_external_ref(" salesforce:001Qy\u200f ") == ("salesforce", "001Qy\u200f")


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (100, "Excellent"),
        (90, "Excellent"),
        (89, "Good"),
        (75, "Good"),
        (74, "Fair"),
        (50, "Fair"),
        (49, "Poor"),
        (0, "Poor"),
    ],
)
def test_confidence_labels_follow_the_published_bands(score, label):
    assert ConfidenceLabel.for_score(score) == label


def test_refusing_export_does_not_quote_the_documents_error():
    # The 409 goes to any token that may change documents; the reason is the record's, for readers.
    document = {"id": 7, "status": "Exception", "error": "Total of Zephyr Supplies unreadable", "version": 3}
    with pytest.raises(Conflict) as refused:
        status_change(document, Status.EXPORT, "tests")
    assert "Zephyr" not in str(refused.value.detail) and "Exception" in str(refused.value.detail)


@pytest.mark.parametrize("value", [" 5", "5 ", "+5", "-0", "1_0", "\u0665", "0x10", "1e2", "1.0", "", "true"])
def test_query_and_form_numbers_are_decimal_digits(value):
    from recordengine.api.paths import _decimal_digits

    with pytest.raises(ValueError, match="digits 0-9"):
        _decimal_digits(value)


def test_decimal_digits_pass_as_they_are():
    from recordengine.api.paths import _decimal_digits

    assert _decimal_digits("0005") == "0005" and _decimal_digits(None) is None and _decimal_digits(7) == 7


def test_a_query_parameter_given_twice_is_refused():
    from starlette.requests import Request

    from recordengine.api.paths import single_valued_query

    def request(query: bytes) -> Request:
        return Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": query})

    single_valued_query(request(b"limit=1&offset=2&cursor=x"))
    with pytest.raises(InvalidInput, match="'limit'"):
        single_valued_query(request(b"limit=1&offset=2&limit=1"))


@pytest.mark.parametrize(
    ("if_match", "version"),
    [('"7"', 7), ('W/"7"', 7), ('"7", "8"', 7), ("*", None), ("", None), ('"\xb2"', -1), ('"\xb9"', -1), ('"1_0"', -1)],
)
def test_if_match_names_a_version_in_ascii_digits_or_none(if_match, version):
    from recordengine.api.preconditions import expected_version

    # "\xb2" (a superscript two, as a Latin-1 header byte reads) is a digit to str.isdigit() but not to int().
    assert expected_version(if_match) == version


def test_a_form_field_given_twice_is_refused():
    import asyncio

    from starlette.requests import Request

    from recordengine.api.paths import single_valued_form

    def request(body: bytes) -> Request:
        headers = [(b"content-type", b"application/x-www-form-urlencoded")]
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            return messages.pop(0)

        return Request({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive)

    asyncio.run(single_valued_form(request(b"contact_id=1&folder_id=2")))
    with pytest.raises(InvalidInput, match="'contact_id'"):
        asyncio.run(single_valued_form(request(b"contact_id=1&folder_id=2&contact_id=3")))
