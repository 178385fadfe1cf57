"""Every few minutes (an EventBridge schedule): documents left in Processing by an extraction run that died
(Lambda's timeout, out of memory) are asked for a new run, which takes their expired claim over; documents
whose presigned upload closed without their file end in Exception."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from recordengine.pipeline import end_unarrived_uploads, requeue_abandoned
from recordengine.settings import get_settings
from recordengine.wiring import blob_store, document_store

logger = Logger()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    requeued = requeue_abandoned(document_store(), settings.extraction_lease_seconds)
    unarrived = end_unarrived_uploads(
        document_store(),
        blob_store(),
        settings.presigned_upload_expiry_seconds,
        settings.presigned_upload_grace_seconds,
    )
    metrics.add_metric(name="DocumentsRequeued", unit=MetricUnit.Count, value=len(requeued))
    metrics.add_metric(name="UploadsNeverArrived", unit=MetricUnit.Count, value=len(unarrived))
    logger.info("Sweep done", extra={"requeued": requeued, "uploads_never_arrived": unarrived})
    return {"requeued": requeued, "uploads_never_arrived": unarrived}
