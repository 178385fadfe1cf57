"""Attribution: strong identifiers attribute alone, weak ones only when nothing strong contradicts, two
senders are never merged, and a document without evidence has no sender."""

from recordengine.senders.attribution import Attribution
from recordengine.senders.memory import MemorySenderStore

SEEN = "2026-03-01T10:00:00Z"
VAT_A, VAT_B = "tax:DE:DE310341316", "tax:DE:DE834738299"
IBAN_A = "iban:DE83381300041321147165"
DOMAIN_A, DOMAIN_B = "domain:larkspur-drafting.de", "domain:tamarind-office.co.uk"
NAME_A, NAME_B = "name:larkspur drafting", "name:tamarind office"
PHONE_A = "phone:512345678"


def attribution():
    store = MemorySenderStore()
    return store, Attribution(store)


def test_the_first_document_starts_a_sender_and_the_next_one_finds_it():
    store, senders = attribution()
    first = senders.attribute([VAT_A, DOMAIN_A, NAME_A], "Larkspur Drafting GmbH", SEEN)
    assert first is not None and store.senders[first]["name"] == "Larkspur Drafting GmbH"
    # A receipt of the same supplier printing only its domain and another phone: one sender.
    assert senders.attribute([DOMAIN_A, PHONE_A], "LARKSPUR", SEEN) == first
    sender = store.get(first)
    assert sender["documents_seen"] == 2 and PHONE_A in sender["identifiers"]


def test_a_strong_identifier_alone_attributes_a_reworded_name():
    store, senders = attribution()
    first = senders.attribute([VAT_A, NAME_A], "Larkspur Drafting", SEEN)
    assert senders.attribute([VAT_A, "name:larkspur drawing office"], "Larkspur Drawing Office", SEEN) == first
    assert len(store.senders) == 1


def test_an_example_tax_number_printed_by_another_company_does_not_join_its_first_sender():
    store, senders = attribution()
    first = senders.attribute([VAT_A, IBAN_A, NAME_A], "Larkspur Drafting", SEEN)
    # Template documents of two companies with one example VAT number: the only tie, the names unrelated.
    other = senders.attribute([VAT_A, DOMAIN_B, NAME_B], "Tamarind Office", SEEN)
    assert other is not None and other != first
    assert store.index[VAT_A] == first and store.index[NAME_B] == other
    # The second company's next document goes to its own sender, though the tax number points at the first.
    assert senders.attribute([VAT_A, DOMAIN_B, NAME_B], "Tamarind Office", SEEN) == other
    # Two ties (the tax number and the IBAN) attribute whatever the name says.
    assert senders.attribute([VAT_A, IBAN_A, NAME_B], "Tamarind Office", SEEN) == first
    assert len(store.senders) == 2


def test_a_chain_s_domain_printed_under_a_store_operator_s_name_joins_the_chain_s_sender():
    store, senders = attribution()
    chain = senders.attribute([DOMAIN_A, NAME_A], "Larkspur", SEEN)
    assert senders.attribute([DOMAIN_A, PHONE_A, "name:hollis"], "Hollis", SEEN) == chain
    # The operator's name, now the sender's too, finds it alone.
    assert senders.attribute(["name:hollis"], "Hollis", SEEN) == chain
    assert len(store.senders) == 1


def test_a_matching_name_does_not_join_a_sender_that_a_strong_identifier_contradicts():
    store, senders = attribution()
    first = senders.attribute([VAT_A, NAME_A], "Larkspur Drafting", SEEN)
    # Same name, another VAT number of the same scheme: another company of that name.
    second = senders.attribute([VAT_B, NAME_A], "Larkspur Drafting", SEEN)
    assert second is not None and second != first
    assert store.index[NAME_A] == first and store.index[VAT_B] == second


def test_a_shared_phone_does_not_join_a_sender_of_another_name():
    _, senders = attribution()
    first = senders.attribute([PHONE_A, NAME_A], "Larkspur Drafting", SEEN)
    # The same number (a shared office line, a placeholder) printed by a supplier of another name.
    other = senders.attribute([DOMAIN_B, PHONE_A, NAME_B], "Tamarind Office", SEEN)
    assert other not in (None, first)
    assert senders.attribute([PHONE_A], "x", SEEN) == first  # nothing else said: the phone decides
    # The same name misread by a letter is no other name.
    assert senders.attribute([PHONE_A, "name:larkspur drafling"], "Larkspur Drafling", SEEN) == first


def test_a_matching_name_joins_a_sender_that_nothing_contradicts():
    store, senders = attribution()
    first = senders.attribute([NAME_A, PHONE_A], "Larkspur Drafting", SEEN)
    assert senders.attribute([DOMAIN_A, NAME_A], "Larkspur Drafting", SEEN) == first
    assert DOMAIN_A in store.senders[first]["identifiers"]


def test_identifiers_of_two_senders_go_to_the_strongest_match_without_merging():
    store, senders = attribution()
    a = senders.attribute([VAT_A, NAME_A], "Larkspur", SEEN)
    b = senders.attribute([DOMAIN_B, NAME_B], "Tamarind", SEEN)
    # A document printing A's VAT number and B's domain (B's address as the customer, read as a seller's).
    assert senders.attribute([VAT_A, DOMAIN_B], "Larkspur", SEEN) == a
    assert store.index[DOMAIN_B] == b and DOMAIN_B not in store.senders[a]["identifiers"]
    assert len(store.senders) == 2


def test_without_evidence_there_is_no_sender():
    store, senders = attribution()
    assert senders.attribute([], None, SEEN) is None
    assert senders.attribute([PHONE_A], None, SEEN) is None  # a phone alone starts no sender
    assert senders.attribute(["nonsense", "colour:blue"], None, SEEN) is None
    assert store.senders == {}


def test_an_engine_without_identifiers_is_attributed_by_a_surely_read_vendor_name():
    store, senders = attribution()
    first = senders.attribute([], "Larkspur Drafting GmbH", SEEN, name_confidence=80)
    assert first is not None and store.senders[first]["identifiers"] == ["name:larkspur drafting"]
    assert senders.attribute([], "LARKSPUR DRAFTING", SEEN, name_confidence=75) == first
    assert senders.attribute([], "Qty", SEEN, name_confidence=40) is None


def test_the_strongest_two_identifiers_are_looked_up_first_and_the_rest_only_when_needed():
    store, senders = attribution()
    first = senders.attribute([VAT_A, IBAN_A, DOMAIN_A, NAME_A], "Larkspur", SEEN)
    store.lookups.clear()
    assert senders.attribute([NAME_A, DOMAIN_A, IBAN_A, VAT_A], "Larkspur", SEEN) == first
    assert store.lookups == [[VAT_A, IBAN_A]]
    store.lookups.clear()
    assert senders.attribute([VAT_B, "iban:GB78NWBK76816995706071", DOMAIN_A], "Larkspur", SEEN) == first
    assert len(store.lookups) == 2


def test_an_identifier_taken_meanwhile_makes_the_new_sender_join_it():
    store = MemorySenderStore()

    class Racing(MemorySenderStore):
        raced = False

        def create(self, name, identifiers, seen_at):
            if not self.raced:
                self.raced = True
                store.create("Larkspur (other run)", [VAT_A], seen_at)
                return None
            return super().create(name, identifiers, seen_at)

    racing = Racing(senders=store.senders, index=store.index)
    sender = Attribution(racing).attribute([VAT_A, NAME_A], "Larkspur", SEEN)
    assert sender == store.index[VAT_A] and len(store.senders) == 1
