"""The DynamoDB sender store (moto, the table from template.yaml): attribution is a key lookup, identifiers
stay with the sender that took them first, hints are written conditionally, forgetting clears the index."""

import json
import threading

import boto3
import pytest

from recordengine.errors import InvalidInput, NotFound, PreconditionFailed
from recordengine.senders.attribution import Attribution
from recordengine.senders.store import MAX_HINTS_BYTES
from recordengine.storage import keys
from recordengine.storage.senders import DynamoSenderStore
from recordengine.storage.table import Table

SEEN = "2026-03-01T10:00:00Z"
VAT_A, VAT_B = "tax:DE:DE310341316", "tax:DE:DE834738299"
DOMAIN_A, NAME_A = "domain:larkspur-drafting.de", "name:larkspur drafting"


@pytest.fixture
def store(stack):
    return DynamoSenderStore(Table(stack.table))


def test_a_sender_is_created_found_by_each_identifier_and_counts_its_documents(store):
    sender = store.create("Larkspur Drafting GmbH", [VAT_A, NAME_A], SEEN)
    assert sender is not None
    assert store.lookup([VAT_A, DOMAIN_A, NAME_A]) == {VAT_A: sender["id"], NAME_A: sender["id"]}
    assert store.record_document(sender["id"], [DOMAIN_A], "2026-03-02T10:00:00Z") == [DOMAIN_A]
    assert store.record_document(sender["id"], [], "2026-03-03T10:00:00Z") == []
    stored = store.get(sender["id"])
    assert stored["documents_seen"] == 3 and stored["last_seen"] == "2026-03-03T10:00:00Z"
    assert stored["identifiers"] == [VAT_A, NAME_A, DOMAIN_A]
    assert store.lookup([DOMAIN_A]) == {DOMAIN_A: sender["id"]}


def test_an_identifier_held_by_one_sender_is_never_taken_by_another(store):
    first = store.create("Larkspur", [VAT_A], SEEN)
    assert store.create("Impostor", [VAT_B, VAT_A], SEEN) is None
    assert store.lookup([VAT_B]) == {}
    second = store.create("Tamarind", [VAT_B], SEEN)
    assert store.record_document(second["id"], [VAT_A, DOMAIN_A], SEEN) == [DOMAIN_A]
    assert store.lookup([VAT_A, DOMAIN_A]) == {VAT_A: first["id"], DOMAIN_A: second["id"]}


def test_a_lookup_of_two_identifiers_reads_two_small_items(store, stack):
    store.create("Larkspur", [VAT_A, NAME_A], SEEN)
    client = boto3.client("dynamodb")
    response = client.batch_get_item(
        RequestItems={
            stack.table: {
                "Keys": [
                    {"pk": {"S": "SENDERID#tax%3ADE%3ADE310341316"}, "sk": {"S": "SENDERID"}},
                    {"pk": {"S": "SENDERID#name%3Alarkspur%20drafting"}, "sk": {"S": "SENDERID"}},
                ]
            }
        },
        ReturnConsumedCapacity="TOTAL",
    )
    items = response["Responses"][stack.table]
    assert len(items) == 2 and all(set(item) == {"pk", "sk", "sender_id"} for item in items)


def test_rename_link_and_versions(store):
    sender = store.create("Larkspur", [VAT_A], SEEN)
    renamed = store.update(sender["id"], {"name": "Larkspur Drafting", "contact_id": 3}, expected_version=1)
    assert renamed["version"] == 2 and store.get(sender["id"])["contact_id"] == 3
    with pytest.raises(PreconditionFailed):
        store.update(sender["id"], {"name": "Stale"}, expected_version=1)
    with pytest.raises(NotFound):
        store.update(999, {"name": "Nobody"}, expected_version=None)


def test_hints_are_changed_conditionally_and_concurrent_changes_both_count(store):
    sender = store.create("Larkspur", [VAT_A], SEEN)
    assert store.hints(sender["id"]) == ({}, 0)

    def count(hints):
        return {**hints, "corrections": hints.get("corrections", 0) + 1}

    threads = [threading.Thread(target=store.change_hints, args=(sender["id"], count)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    hints, version = store.hints(sender["id"])
    assert hints == {"corrections": 4} and version == 4
    assert store.change_hints(sender["id"], lambda hints: None) == ({"corrections": 4}, 4)
    assert store.change_hints(999, count) is None
    # The hints are versioned apart from the sender: learning never makes a rename's If-Match stale.
    assert store.get(sender["id"])["version"] == 1 and store.get(sender["id"])["hints"] == {"corrections": 4}
    assert store.page(10, 0).items[0]["hints"] == {"corrections": 4}


def test_hints_are_an_item_of_their_own_within_two_write_units(store):
    sender = store.create("Larkspur", [VAT_A, NAME_A, DOMAIN_A], SEEN)
    largest = {"label": "x" * (MAX_HINTS_BYTES - 20)}
    store.change_hints(sender["id"], lambda hints: largest)
    table = store.table
    item = table.client.get_item(TableName=table.name, Key=keys.sender_hints_key(sender["id"]))["Item"]
    # Its wire form, which is larger than the size DynamoDB bills, is under two write units (1 KB each).
    assert len(json.dumps(item).encode()) <= 2048
    assert "hints" not in table.get(keys.SENDER, sender["id"])


def test_hints_are_validated_like_any_stored_value(store):
    sender = store.create("Larkspur", [VAT_A], SEEN)
    with pytest.raises(InvalidInput):
        store.change_hints(sender["id"], lambda hints: {"label": "x" * 20_000})
    with pytest.raises(InvalidInput):
        store.change_hints(sender["id"], lambda hints: {"": 1})
    with pytest.raises(InvalidInput):
        store.change_hints(sender["id"], lambda hints: {"ratio": float("nan")})
    assert store.hints(sender["id"]) == ({}, 0)


def test_forgetting_a_sender_clears_its_hints_and_its_index_but_not_another_senders(store):
    first = store.create("Larkspur", [VAT_A, NAME_A], SEEN)
    other = store.create("Tamarind", [VAT_B], SEEN)
    store.change_hints(first["id"], lambda hints: {"invoice_number": {"label": "Beleg"}})
    store.forget(first["id"])
    assert store.get(first["id"]) is None and store.hints(first["id"]) is None
    table = store.table
    assert "Item" not in table.client.get_item(TableName=table.name, Key=keys.sender_hints_key(first["id"]))
    assert store.lookup([VAT_A, NAME_A, VAT_B]) == {VAT_B: other["id"]}
    with pytest.raises(NotFound):
        store.forget(first["id"])
    # The supplier's next document starts a new sender.
    again = Attribution(store).attribute([VAT_A, NAME_A], "Larkspur", SEEN)
    assert again not in (None, first["id"], other["id"])


def test_senders_are_listed_newest_first(store):
    ids = [store.create(name, [f"name:{name.lower()}"], SEEN)["id"] for name in ("Alder", "Birch", "Cedar")]
    page = store.page(limit=2, offset=0)
    assert page.total == 3 and [sender["id"] for sender in page.items] == ids[::-1][:2]
