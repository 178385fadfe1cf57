"""Learning from corrections, end to end over HTTP against the local stack (issue 17): a corrected invoice
number is read right on the same sender's next document; a learned value the engine reads otherwise is
flagged; a forgotten sender's next document is read generically; a document no person reviewed teaches
nothing. Each test has an invented supplier of its own (name, VAT id, IBAN), its invoices generated here."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from tests.support.documents import german_iban, stationer_invoice_pdf

from .stack import TIMEOUT, Stack
from .test_review_e2e import upload, wait_for

CHECK_LEARNED = "learned_values_agree"


@dataclass(frozen=True)
class Supplier:
    name: str
    vat: str
    iban: str

    def invoice(self, number: str, **printed: Any) -> bytes:
        return stationer_invoice_pdf(number=number, vendor=self.name, vat=self.vat, iban=self.iban, **printed)


def read(stack: Stack, client: requests.Session, filing: dict[str, int], content: bytes) -> dict[str, Any]:
    """The document once extracted (Needs Review)."""
    return wait_for(stack, client, upload(stack, client, filing, content), "Needs Review", seconds=60)


def correct(stack: Stack, client: requests.Session, document_id: int, fields: dict[str, str]) -> None:
    response = client.patch(
        stack.api(f"/api/documents/{document_id}"), json={"extracted_fields": fields}, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text


def sender(stack: Stack, client: requests.Session, sender_id: int) -> dict[str, Any]:
    response = client.get(stack.api(f"/api/senders/{sender_id}"), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def sender_once(
    stack: Stack, client: requests.Session, sender_id: int, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The sender once ``ready`` holds (learning runs off the request path, from the table's stream)."""
    deadline = time.monotonic() + 30
    current = sender(stack, client, sender_id)
    while not ready(current):
        assert time.monotonic() < deadline, f"sender {sender_id} did not learn: {current}"
        time.sleep(0.25)
        current = sender(stack, client, sender_id)
    return current


def check(document: dict[str, Any]) -> dict[str, Any]:
    return next(entry for entry in document["validation"] if entry["check"] == CHECK_LEARNED)


def test_a_corrected_invoice_number_is_read_right_on_the_senders_next_document(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    supplier = Supplier("Quillfeather Stationers GmbH", "DE310341316", german_iban("10010010", "5550001"))
    first = read(stack, client, filing, supplier.invoice("QF/2024-0117"))
    # The engine does not know the label the number sits behind: it misreads (misses) it.
    assert first["extracted_fields"]["invoice_number"] is None
    assert first["sender_id"] is not None
    correct(stack, client, first["id"], {"invoice_number": "QF/2024-0117"})
    sender_once(stack, client, first["sender_id"], lambda found: found["fields_learned"] >= 1)

    second = read(stack, client, filing, supplier.invoice("QF/2024-0342", issued="17.05.2024"))
    assert second["sender_id"] == first["sender_id"]
    assert second["extracted_fields"]["invoice_number"] == "QF/2024-0342"
    assert second["field_sources"]["invoice_number"] == "learned"
    assert check(second)["passed"]
    # The first document, reviewed already, stays as the person left it.
    assert wait_for(stack, client, first["id"], "Needs Review")["extracted_fields"]["invoice_number"] == "QF/2024-0117"

    # Approving the second document confirms what was learned: the learned readings' accuracy so far.
    approved = client.patch(
        stack.api(f"/api/documents/{second['id']}/status"), json={"status": "Approved"}, timeout=TIMEOUT
    )
    assert approved.status_code == 200, approved.text
    learned = sender_once(stack, client, first["sender_id"], lambda found: found["learned_accuracy"] is not None)
    assert learned["learned_accuracy"] == 1.0


def test_a_learned_value_the_engine_reads_otherwise_is_flagged(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    supplier = Supplier("Marrowgate Inks KG", "DE834738299", german_iban("20020020", "5550002"))
    # The engine reads the order reference behind "Rechnung Nr."; the reviewer says the number is the other one.
    first = read(stack, client, filing, supplier.invoice("MI/2024-0009", reference="R-1001"))
    assert first["extracted_fields"]["invoice_number"] == "R-1001"
    correct(stack, client, first["id"], {"invoice_number": "MI/2024-0009"})
    sender_once(stack, client, first["sender_id"], lambda found: found["fields_learned"] >= 1)

    second = read(stack, client, filing, supplier.invoice("MI/2024-0051", reference="R-1002"))
    assert second["extracted_fields"]["invoice_number"] == "MI/2024-0051"
    assert second["field_sources"]["invoice_number"] == "learned"
    flagged = check(second)
    assert not flagged["passed"] and "invoice_number" in flagged["detail"]
    assert second["field_confidence"]["invoice_number"] < first["field_confidence"]["invoice_number"]


def test_a_forgotten_senders_next_document_is_read_generically(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    supplier = Supplier("Tinderbox Paper Mill AG", "DE366299468", german_iban("30030030", "5550003"))
    first = read(stack, client, filing, supplier.invoice("TP/2024-0001"))
    correct(stack, client, first["id"], {"invoice_number": "TP/2024-0001"})
    sender_once(stack, client, first["sender_id"], lambda found: found["fields_learned"] >= 1)

    forgotten = client.delete(stack.api(f"/api/senders/{first['sender_id']}"), timeout=TIMEOUT)
    assert forgotten.status_code == 204, forgotten.text
    assert client.get(stack.api(f"/api/senders/{first['sender_id']}"), timeout=TIMEOUT).status_code == 404

    second = read(stack, client, filing, supplier.invoice("TP/2024-0002"))
    assert second["extracted_fields"]["invoice_number"] is None
    assert "learned" not in second["field_sources"].values()
    assert all(entry["check"] != CHECK_LEARNED for entry in second["validation"])
    # The document keeps the values a person set.
    assert wait_for(stack, client, first["id"], "Needs Review")["extracted_fields"]["invoice_number"] == "TP/2024-0001"


def test_a_document_no_person_reviewed_teaches_nothing(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    unreviewed = Supplier("Hollowbrook Envelopes GmbH", "FR48510174907", german_iban("40040040", "5550004"))
    first = read(stack, client, filing, unreviewed.invoice("HE/2024-0001"))
    read(stack, client, filing, unreviewed.invoice("HE/2024-0002"))
    # A person's change that reviews no field (a note) teaches nothing either.
    noted = client.patch(stack.api(f"/api/documents/{first['id']}"), json={"notes": "Paid by card"}, timeout=TIMEOUT)
    assert noted.status_code == 200, noted.text

    # Another supplier's correction, learned after the records above went through the stream.
    barrier = Supplier("Saltmarsh Labels GmbH", "IT96706670336", german_iban("50050050", "5550005"))
    taught = read(stack, client, filing, barrier.invoice("SL/2024-0001"))
    correct(stack, client, taught["id"], {"invoice_number": "SL/2024-0001"})
    sender_once(stack, client, taught["sender_id"], lambda found: found["fields_learned"] >= 1)

    untaught = sender(stack, client, first["sender_id"])
    assert untaught["fields_learned"] == 0 and untaught["learned_accuracy"] is None
    third = read(stack, client, filing, unreviewed.invoice("HE/2024-0003"))
    assert third["sender_id"] == first["sender_id"]
    assert third["extracted_fields"]["invoice_number"] is None
    assert "learned" not in third["field_sources"].values()
