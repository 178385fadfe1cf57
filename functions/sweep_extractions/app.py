"""Every few minutes (an EventBridge schedule): documents left in Processing by an extraction run that died
(Lambda's timeout, out of memory) are asked for a new run, which takes their expired claim over."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.pipeline import requeue_abandoned
from recordengine.settings import get_settings
from recordengine.wiring import document_store

logger = Logger()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    requeued = requeue_abandoned(document_store(), get_settings().extraction_lease_seconds)
    metrics.add_metric(name="DocumentsRequeued", unit=MetricUnit.Count, value=len(requeued))
    logger.info("Sweep done", extra={"requeued": requeued})
    return {"requeued": requeued}
