"""The ExtractionEngine parameter → EXTRACTION_ENGINE → settings → the pipeline's extractor."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recordengine.extraction.engine import read_document
from recordengine.extraction.engines import build_extractor
from recordengine.extraction.engines.bedrock import BedrockEngine
from recordengine.extraction.engines.textract import TextractEngine
from recordengine.settings import Settings


@pytest.fixture(autouse=True)
def region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_the_built_in_engine_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTION_ENGINE", raising=False)
    settings = Settings()
    assert settings.extraction_engine == "builtin"
    # The reading with its page text, which a sender's hints are read on.
    assert build_extractor(settings) is read_document


def test_textract_is_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTION_ENGINE", "textract")
    engine = build_extractor(Settings())
    assert isinstance(engine, TextractEngine)
    assert engine.fallback is read_document
    assert engine.client.meta.region_name == "eu-west-1"


def test_bedrock_takes_its_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTION_ENGINE", "bedrock")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "us.anthropic.claude-3-5-haiku-20241022-v1:0")
    engine = build_extractor(Settings())
    assert isinstance(engine, BedrockEngine)
    assert engine.model_id == "us.anthropic.claude-3-5-haiku-20241022-v1:0"


def test_bedrock_without_a_model_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTION_ENGINE", "bedrock")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "")
    with pytest.raises(ValueError, match="BEDROCK_MODEL_ID"):
        build_extractor(Settings())


def test_an_unknown_engine_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTION_ENGINE", "tesseract")
    with pytest.raises(ValidationError):
        Settings()
