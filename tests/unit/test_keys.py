from recordengine.storage import keys


def test_every_filter_combination_has_its_own_index_key():
    attributes = keys.document_filter_keys(5, 12, "Needs Review")
    assert attributes == {
        "document_key": "DOCUMENT",
        "contact_key": "5",
        "folder_key": "12",
        "contact_folder_key": "5#12",
        "status_key": "Needs Review",
        "contact_status_key": "5#Needs Review",
        "folder_status_key": "12#Needs Review",
        "contact_folder_status_key": "5#12#Needs Review",
    }


def test_a_list_query_uses_the_index_of_exactly_its_filters():
    assert keys.document_filter_index(None, None, None) == keys.FilterIndex("by_document", "document_key", "DOCUMENT")
    assert keys.document_filter_index(5, None, None) == keys.FilterIndex("by_contact", "contact_key", "5")
    assert keys.document_filter_index(None, 12, "New") == keys.FilterIndex(
        "by_folder_status", "folder_status_key", "12#New"
    )
    index = keys.document_filter_index(5, 12, "New")
    assert index == keys.FilterIndex("by_contact_folder_status", "contact_folder_status_key", "5#12#New")


def test_the_key_a_query_uses_is_the_key_the_document_carries():
    carried = keys.document_filter_keys(7, 3, "Approved")
    for contact, folder, status in [(7, None, None), (None, 3, "Approved"), (7, 3, None), (7, 3, "Approved")]:
        index = keys.document_filter_index(contact, folder, status)
        assert carried[index.key_attribute] == index.key_value


def test_created_sort_keys_order_by_time_then_id():
    earlier = keys.created_sort_key("2025-11-15T08:23:41Z", 999)
    same_second_higher_id = keys.created_sort_key("2025-11-15T08:23:41Z", 1000)
    later = keys.created_sort_key("2025-11-15T08:23:42Z", 1)
    assert earlier < same_second_higher_id < later


def test_a_document_in_processing_is_off_the_status_indexes_and_in_the_processing_index():
    attributes = keys.document_filter_keys(5, 12, "Processing")
    assert "status_key" not in attributes and "contact_folder_status_key" not in attributes
    assert attributes["processing_key"] == "Processing" and attributes["contact_folder_key"] == "5#12"
    index = keys.document_filter_index(5, None, "Processing")
    assert index == keys.FilterIndex("by_processing", "processing_key", "Processing", (("contact_id", 5),))


def test_count_updates_follow_a_status_change_a_move_and_a_delete():
    document = {"contact_id": 5, "folder_id": 12, "status": "New", "created_at": "2025-06-01T08:00:00Z"}
    created = keys.count_updates(None, document)
    assert created == {
        ("COUNT#ALL", "D#2025-06-01"): {"s#New": 1},
        ("COUNT#C#5", "D#2025-06-01"): {"s#New": 1, "f#12#New": 1},
        ("COUNT#F#12", "D#2025-06-01"): {"s#New": 1},
    }
    moved = keys.count_updates(document, {**document, "folder_id": 13})
    assert moved == {
        ("COUNT#C#5", "D#2025-06-01"): {"f#12#New": -1, "f#13#New": 1},
        ("COUNT#F#12", "D#2025-06-01"): {"s#New": -1},
        ("COUNT#F#13", "D#2025-06-01"): {"s#New": 1},
    }
    approved = keys.count_updates(document, {**document, "status": "Approved"})
    assert approved[("COUNT#ALL", "D#2025-06-01")] == {"s#New": -1, "s#Approved": 1}
    assert keys.count_updates(document, None)[("COUNT#C#5", "D#2025-06-01")] == {"s#New": -1, "f#12#New": -1}
