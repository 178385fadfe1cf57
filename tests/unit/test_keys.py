from recordengine.storage import keys


def test_every_filter_combination_has_its_own_index_key():
    attributes = keys.document_filter_keys(5, 12, "Needs Review")
    assert attributes == {
        "contact_key": "5",
        "folder_key": "12",
        "contact_folder_key": "5#12",
        "status_key": "Needs Review",
        "contact_status_key": "5#Needs Review",
        "folder_status_key": "12#Needs Review",
        "contact_folder_status_key": "5#12#Needs Review",
    }


def test_a_list_query_uses_the_index_of_exactly_its_filters():
    assert keys.document_filter_index(None, None, None) == keys.FilterIndex("by_kind", "kind", "DOCUMENT")
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
