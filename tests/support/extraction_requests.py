"""The table's stream as Lambda's event source mappings of extract_document deliver it: `ExtractionRequested`
(a run asked for) and `DocumentReviewed` (a person's review, which teaches the document's sender)."""

from __future__ import annotations

from typing import Any

import boto3

from local.event_filter import matches_any
from local.streams import lambda_record
from tests.support.aws_stack import AwsStack


class ExtractionRequests:
    """What Lambda's event source mapping `ExtractionRequested` (or `event_name`) does: reads the table's
    stream through the template's FilterCriteria and invokes extract_document with each record (BatchSize 1)."""

    def __init__(self, stack: AwsStack, event_name: str = "ExtractionRequested") -> None:
        self.stack = stack
        # moto answers DescribeStream only when the endpoint is given explicitly.
        self.streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        self.arn = boto3.client("dynamodb").describe_table(TableName=stack.table)["Table"]["LatestStreamArn"]
        shards = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.iterators = {
            shard["ShardId"]: self.streams.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for shard in shards
        }
        spec = stack.function("extract_document").spec
        trigger = next(t for t in spec.stream_triggers if t.event_name == event_name)
        assert trigger.batch_size == 1 or event_name != "ExtractionRequested"
        self.filters = trigger.filter_patterns

    def records(self) -> list[dict[str, Any]]:
        records = []
        for shard, iterator in list(self.iterators.items()):
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self.iterators[shard] = response["NextShardIterator"]
            for raw in response.get("Records", []):
                record = lambda_record(raw, self.arn, "us-east-1")
                if matches_any(self.filters, record):
                    records.append(record)
        return records

    def deliver(self) -> int:
        """Invokes extract_document with every new record that passes the filters; how many there were."""
        records = self.records()
        for record in records:
            assert self.stack.invoke("extract_document", {"Records": [record]}) == {"batchItemFailures": []}
        return len(records)
