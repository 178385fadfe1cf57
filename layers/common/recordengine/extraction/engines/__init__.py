"""Extraction engines on AWS services, chosen by the ``ExtractionEngine`` template parameter.

- ``builtin`` (the default): the offline engine in ``recordengine.extraction``; needs nothing from AWS.
- ``textract``: Amazon Textract AnalyzeExpense (``textract.py``).
- ``bedrock``: a model on Amazon Bedrock through the Converse API, with the profile as a JSON schema
  (``bedrock.py``).

Both AWS engines keep the built-in engine's validation and confidence logic, and fall back to the built-in
engine, saying so in the reasoning, when the service refuses a document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Extractor, StoredObject, StoredObjectExtractor

if TYPE_CHECKING:
    from recordengine.settings import Settings

ENGINES = ("builtin", "textract", "bedrock")

__all__ = ["ENGINES", "Extractor", "StoredObject", "StoredObjectExtractor", "build_extractor"]


def build_extractor(settings: Settings) -> Extractor:
    """The extractor the settings ask for, with its boto3 client (created here, once per environment)."""
    # The built-in engine as the one that reads the page text: its layout is what a sender's hints are read on.
    from recordengine.extraction.engine import read_document

    engine = settings.extraction_engine
    if engine == "builtin":
        return read_document

    import boto3
    from botocore.config import Config

    # Throttling and passing faults are retried by the client (standard mode, with backoff); what still
    # fails after that is a refusal, and the engine falls back to the built-in one.
    retries = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)
    if engine == "textract":
        from .textract import TextractEngine

        return TextractEngine(boto3.client("textract", config=retries), fallback=read_document)
    if engine == "bedrock":
        from .bedrock import BedrockEngine

        if not settings.bedrock_model_id:
            raise ValueError("EXTRACTION_ENGINE is bedrock but BEDROCK_MODEL_ID is not set")
        client = boto3.client("bedrock-runtime", config=retries)
        return BedrockEngine(client, settings.bedrock_model_id, fallback=read_document)
    raise ValueError(f"unknown extraction engine {engine!r}; expected one of {', '.join(ENGINES)}")
