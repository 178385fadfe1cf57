"""Extraction of an uploaded document (New → Processing → Needs Review | Exception), on two events:
S3 ObjectCreated (an upload), and a DynamoDB stream record of a person asking for a new run (status New or
Processing set by hand). A stream record of a person's review of an attributed document (a correction, an
approval) teaches its sender instead (senders/learning.py): this function has the engine that needs."""

from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.pipeline import Outcome
from recordengine.wiring import extraction_pipeline, learner

logger = Logger()
metrics = Metrics()
# A stream record that raises (a passing fault: RetryLater) is reported failed and delivered again.
stream_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

# Time kept back from the Lambda timeout to record the outcome after the engine is cut off.
SECONDS_TO_RECORD_OUTCOME = 10.0


def _seconds(context: LambdaContext) -> float:
    return context.get_remaining_time_in_millis() / 1000 - SECONDS_TO_RECORD_OUTCOME


def _count(outcome: Outcome) -> None:
    metrics.add_metric(name=f"Documents{outcome.value.title()}", unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or [{}]
    if records[0].get("eventSource") == "aws:dynamodb":
        return _extraction_requested(event, context)
    return _objects_created(S3Event(event), context)


def _objects_created(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    pipeline = extraction_pipeline()
    outcomes = []
    for record in event.records:
        stored = record.s3.get_object
        # The ETag tells a new object at a document's key (a presigned upload used again) from a repeated event.
        outcome = pipeline.process_object(stored.key, stored.size, _seconds(context), stored.etag or None)
        logger.info("Extraction event handled", extra={"key": stored.key, "etag": stored.etag, "outcome": outcome})
        _count(outcome)
        outcomes.append(outcome.value)
    return {"outcomes": outcomes}


def _extraction_requested(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def record_handler(record: DynamoDBRecord) -> None:
        new_image = (record.raw_event.get("dynamodb") or {}).get("NewImage") or {}
        if "extraction_request" not in new_image:
            learned = learner().learn_from_record(record.raw_event)
            logger.info("Review handled", extra={"event_id": record.event_id, "learned": learned})
            metrics.add_metric(name="ReviewsLearned" if learned else "ReviewsIgnored", unit=MetricUnit.Count, value=1)
            return
        outcome = extraction_pipeline().process_request(record.raw_event, _seconds(context))
        logger.info("Extraction request handled", extra={"event_id": record.event_id, "outcome": outcome})
        _count(outcome)

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=stream_processor, context=context
    )
    return cast(dict[str, Any], response)
