import csv
import io

import pytest

from recordengine.document_lists import ListOrder, csv_document, neutralised
from recordengine.errors import InvalidInput


def row(document_id: int, created_at: str, **fields: str | None) -> dict:
    return {"id": document_id, "created_at": created_at, "extracted_fields": fields}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-12.50", "'-12.50"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Contoso = Supplies", "Contoso = Supplies"),
        (None, ""),
        (12, "12"),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_neutralised(value, cell):
    assert neutralised(value) == cell


def test_the_csv_has_a_bom_quotes_every_field_and_reads_back():
    content = csv_document([row(1, "2025-11-15T08:00:00Z", vendor='Acme "Ltd", =x', total_amount="10.00")])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0]["vendor"] == 'Acme "Ltd", =x' and rows[0]["total_amount"] == "10.00"
    assert content.decode("utf-8-sig").splitlines()[0].startswith('"id","filename"')


def test_sorting_puts_rows_without_the_value_last_and_keeps_ties_newest_first():
    rows = [
        row(3, "2025-11-03T00:00:00Z", total_amount="5.00"),
        row(2, "2025-11-02T00:00:00Z", total_amount=None),
        row(1, "2025-11-01T00:00:00Z", total_amount="5.00"),
        row(4, "2025-11-04T00:00:00Z", total_amount="100.00"),
    ]
    assert [r["id"] for r in ListOrder.parse("-total").sorted(rows)] == [4, 3, 1, 2]
    assert [r["id"] for r in ListOrder.parse("total").sorted(rows)] == [3, 1, 4, 2]
    assert [r["id"] for r in ListOrder.parse("created").sorted(rows)] == [1, 2, 3, 4]


def test_amounts_sort_as_numbers_and_vendors_without_case():
    rows = [row(1, "t", total_amount="9.00", vendor="beta"), row(2, "t", total_amount="10.00", vendor="Alpha")]
    assert [r["id"] for r in ListOrder.parse("-total").sorted(rows)] == [2, 1]
    assert [r["id"] for r in ListOrder.parse("vendor").sorted(rows)] == [2, 1]


@pytest.mark.parametrize("text", ["amount", "--total", "-", "total ", "x" * 200])
def test_a_sort_key_that_is_not_one_is_refused(text):
    with pytest.raises(InvalidInput, match="not a sort key"):
        ListOrder.parse(text)


def test_only_newest_first_is_the_indexes_order():
    assert ListOrder.parse(None).by_index and ListOrder.parse("-created").by_index
    assert not ListOrder.parse("created").by_index and not ListOrder.parse("-confidence").by_index
