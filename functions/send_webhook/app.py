"""FIFO delivery queue (one message group per endpoint) -> one signed POST to the endpoint, recorded.

A failed attempt is handed to the retry queue and the job still succeeds, so the endpoint's next job is not
held up; a job fails (and its group waits for it) only when the attempt could not be made or recorded.
"""

import json
from typing import Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.wiring import webhook_dispatcher

logger = Logger()
# Stops at a failed job and reports the rest of the batch failed too, so an endpoint's jobs keep their order.
processor = SqsFifoPartialProcessor()


def record_handler(record: SQSRecord) -> None:
    outcome = webhook_dispatcher().handle_delivery_job(json.loads(record.body))
    logger.info("Delivery job handled", extra={"message_id": record.message_id, "outcome": outcome})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
