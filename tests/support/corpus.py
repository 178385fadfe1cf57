"""The shared corpus beside the repository (../shared/corpus), read in place and never copied into it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TEXTRACT_RESPONSES = CORPUS / "textract-responses"


def textract_response(relative: str) -> dict[str, Any]:
    """A real Textract response from ../shared/corpus/textract-responses; the test is skipped without it."""
    path = TEXTRACT_RESPONSES / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not available here (../shared/corpus/textract-responses)")
    response: dict[str, Any] = json.loads(path.read_text())
    response.pop("ResponseMetadata", None)
    return response
