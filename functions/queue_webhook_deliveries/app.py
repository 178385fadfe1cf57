"""DynamoDB stream (documents entering Export) -> the event, and one delivery job per enabled endpoint.

Nothing is sent here: the jobs go to the FIFO delivery queue (one message group per endpoint), which
send_webhook consumes, so a slow receiver never holds up the stream. Records that fail are reported one by
one (ReportBatchItemFailures), so Lambda retries only them.
"""

from typing import Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.wiring import webhook_dispatcher

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    outcome = webhook_dispatcher().handle_stream_record(record.raw_event)
    logger.info("Stream record handled", extra={"event_id": record.event_id, "outcome": outcome})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
