"""python -m bench cost: DynamoDB item sizes and write units, and the GSIs read from template.yaml."""

from __future__ import annotations

from pathlib import Path

from bench.cost import Hooks, item_size, table_models
from local.cfn import load_yaml

REPO = Path(__file__).resolve().parents[2]


def test_item_size_counts_names_and_values() -> None:
    assert item_size({"pk": {"S": "doc#1"}}) == 2 + 5
    assert item_size({"n": {"N": "12345"}}) == 1 + 4
    assert item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size(None) == 0


def test_the_indexes_come_from_the_template() -> None:
    template = load_yaml((REPO / "template.yaml").read_text(encoding="utf-8"))
    declared = template["Resources"]["DocumentsTable"]["Properties"].get("GlobalSecondaryIndexes", [])
    models = table_models(template, {"DocumentsTable": "documents"})
    assert [index.name for index in models["documents"].indexes] == [index["IndexName"] for index in declared]


def test_a_write_costs_the_table_and_each_index_the_item_is_in() -> None:
    template = {
        "Resources": {
            "T": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "GlobalSecondaryIndexes": [
                        {
                            "IndexName": "by_status",
                            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                            "Projection": {"ProjectionType": "ALL"},
                        }
                    ],
                },
            }
        }
    }
    hooks = Hooks(table_models(template, {"T": "t"}), {})
    small = {"pk": {"S": "1"}}
    assert hooks._write_units("t", None, small) == 1
    assert hooks._write_units("t", None, {**small, "status": {"S": "New"}}) == 2
    big = {**small, "status": {"S": "New"}, "text": {"S": "x" * 1500}}
    assert hooks._write_units("t", None, big) == 4
    # The index key changes: the old index entry is deleted and a new one written.
    assert hooks._write_units("t", big, {**big, "status": {"S": "Export"}}) == 2 + 2 * 2
