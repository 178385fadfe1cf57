from recordengine.models import Status
from recordengine.storage import keys


def test_a_settled_document_carries_one_key_per_status_index():
    attributes = keys.document_list_keys(5, 12, "Needs Review")
    assert attributes == {
        "list_scheme": 2,
        "status_key": "Needs Review",
        "contact_status_key": "5#Needs Review",
        "folder_status_key": "12#Needs Review",
        "contact_folder_status_key": "5#12#Needs Review",
    }


def test_a_document_in_the_pipeline_is_one_entry_of_the_pipeline_index():
    for status in ("New", "Processing"):
        assert keys.document_list_keys(5, 12, status) == {"list_scheme": 2, "pipeline_key": "PIPELINE"}


def test_every_status_is_either_in_the_pipeline_or_settled():
    assert set(keys.PIPELINE_STATUSES) | set(keys.SETTLED_STATUSES) == {status.value for status in Status}
    assert not set(keys.PIPELINE_STATUSES) & set(keys.SETTLED_STATUSES)


def test_the_key_a_list_queries_is_the_key_the_document_carries():
    carried = keys.document_list_keys(7, 3, "Approved")
    for contact, folder in [(None, None), (7, None), (None, 3), (7, 3)]:
        stream = keys.settled_stream(contact, folder, "Approved")
        assert carried[stream.key_attribute] == stream.key_value
    assert keys.settled_stream(None, 12, "Export") == keys.ListStream(
        "by_folder_status", "folder_status_key", "12#Export"
    )


def test_the_pipeline_stream_narrows_on_what_its_projection_carries():
    stream = keys.pipeline_stream(5, None, "New")
    assert stream == keys.ListStream("by_pipeline", "pipeline_key", "PIPELINE", (("contact_id", 5), ("status", "New")))


def test_created_sort_keys_order_by_time_then_id():
    earlier = keys.created_sort_key("2025-11-15T08:23:41Z", 999)
    same_second_higher_id = keys.created_sort_key("2025-11-15T08:23:41Z", 1000)
    later = keys.created_sort_key("2025-11-15T08:23:42Z", 1)
    assert earlier < same_second_higher_id < later


def test_count_updates_follow_a_status_change_a_move_and_a_delete():
    document = {"contact_id": 5, "folder_id": 12, "status": "Ready", "created_at": "2025-06-01T08:00:00Z"}
    created = keys.count_updates(None, document)
    assert created == {
        ("COUNT#ALL", "D#2025-06-01"): {"s#Ready": 1},
        ("COUNT#C#5", "D#2025-06-01"): {"s#Ready": 1, "f#12#Ready": 1},
        ("COUNT#F#12", "D#2025-06-01"): {"s#Ready": 1},
    }
    moved = keys.count_updates(document, {**document, "folder_id": 13})
    assert moved == {
        ("COUNT#C#5", "D#2025-06-01"): {"f#12#Ready": -1, "f#13#Ready": 1},
        ("COUNT#F#12", "D#2025-06-01"): {"s#Ready": -1},
        ("COUNT#F#13", "D#2025-06-01"): {"s#Ready": 1},
    }
    approved = keys.count_updates(document, {**document, "status": "Approved"})
    assert approved[("COUNT#ALL", "D#2025-06-01")] == {"s#Ready": -1, "s#Approved": 1}
    assert keys.count_updates(document, None)[("COUNT#C#5", "D#2025-06-01")] == {"s#Ready": -1, "f#12#Ready": -1}


def test_documents_in_the_pipeline_are_not_in_the_counts():
    document = {"contact_id": 5, "folder_id": 12, "status": "New", "created_at": "2025-06-01T08:00:00Z"}
    assert keys.count_updates(None, document) == {}
    assert keys.count_updates(document, {**document, "status": "Processing"}) == {}
    settled = keys.count_updates({**document, "status": "Processing"}, {**document, "status": "Needs Review"})
    assert settled[("COUNT#ALL", "D#2025-06-01")] == {"s#Needs Review": 1}


def test_the_settled_indexes_project_what_a_list_shows():
    from pathlib import Path

    from local.cfn import load_yaml
    from recordengine.document_lists import DETAIL_FIELDS
    from recordengine.models import DocumentSummary

    template = load_yaml((Path(__file__).resolve().parents[2] / "template.yaml").read_text(encoding="utf-8"))
    indexes = template["Resources"]["DocumentsTable"]["Properties"]["GlobalSecondaryIndexes"]
    settled = {index["IndexName"]: index["Projection"] for index in indexes if index["IndexName"].endswith("status")}
    assert set(settled) == {keys.settled_stream(c, f, "Ready").name for c in (None, 1) for f in (None, 1)}
    for projection in settled.values():
        assert projection["ProjectionType"] == "INCLUDE"
        assert tuple(projection["NonKeyAttributes"]) == keys.LISTED_ATTRIBUTES
    # The row details a queue asks for (details=true) are read from the page's documents, not projected.
    assert set(keys.LISTED_ATTRIBUTES) == set(DocumentSummary.model_fields) - {*DETAIL_FIELDS, "sender_id"}
