"""The one typed configuration object: nothing else in the code base reads the environment."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# A Lambda request body is capped at 6 MB; multipart framing and API Gateway's base64 encoding of binary
# bodies (4/3) leave about 4.4 MB for the file itself.
MULTIPART_FILE_LIMIT_BYTES = 4_400_000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    table_name: str = Field(default="recordengine", validation_alias="TABLE_NAME")
    idempotency_table_name: str = Field(default="recordengine-idempotency", validation_alias="IDEMPOTENCY_TABLE_NAME")
    bucket_name: str = Field(default="recordengine-documents", validation_alias="BUCKET_NAME")
    max_upload_bytes: int = Field(default=MULTIPART_FILE_LIMIT_BYTES, validation_alias="MAX_UPLOAD_BYTES")
    max_presigned_upload_bytes: int = Field(default=100 * 1024 * 1024, validation_alias="MAX_PRESIGNED_UPLOAD_BYTES")
    presigned_upload_expiry_seconds: int = Field(default=900, validation_alias="PRESIGNED_UPLOAD_EXPIRY_SECONDS")
    idempotency_expiry_seconds: int = Field(default=24 * 3600, validation_alias="IDEMPOTENCY_EXPIRY_SECONDS")
    # A claim on a document's extraction expires after this long, so that a run killed by a timeout can be
    # picked up again by S3's retry instead of leaving the document in Processing. Keep it above the
    # extraction function's timeout.
    extraction_lease_seconds: int = Field(default=180, validation_alias="EXTRACTION_LEASE_SECONDS")
    extraction_max_attempts: int = Field(default=3, validation_alias="EXTRACTION_MAX_ATTEMPTS")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
