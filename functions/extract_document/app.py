"""S3 ObjectCreated → extraction of the uploaded document (New → Processing → Needs Review | Exception)."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.wiring import extraction_pipeline

logger = Logger()
metrics = Metrics()

# Time kept back from the Lambda timeout to record the outcome after the engine is cut off.
SECONDS_TO_RECORD_OUTCOME = 10.0


@metrics.log_metrics
@logger.inject_lambda_context
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    pipeline = extraction_pipeline()
    outcomes = []
    for record in event.records:
        seconds = context.get_remaining_time_in_millis() / 1000 - SECONDS_TO_RECORD_OUTCOME
        outcome = pipeline.process_object(record.s3.get_object.key, record.s3.get_object.size, seconds)
        logger.info("Extraction event handled", extra={"key": record.s3.get_object.key, "outcome": outcome})
        metrics.add_metric(name=f"Documents{outcome.value.title()}", unit=MetricUnit.Count, value=1)
        outcomes.append(outcome.value)
    return {"outcomes": outcomes}
