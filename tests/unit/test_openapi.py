"""The OpenAPI document `make fuzz` runs on covers exactly the template's routes, and describes every body."""

from pathlib import Path

from local.cfn import Template
from local.model import load_application
from recordengine.api.routes import allowed_methods, openapi_document

ROOT = Path(__file__).resolve().parents[2]


def test_the_document_has_every_route_of_the_template_and_no_other():
    template_routes = {
        (route.method, route.path)
        for route in load_application(Template.load(ROOT / "template.yaml")).routes
        if route.path != "$default"
    }
    document = openapi_document()
    documented = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    assert documented == template_routes


def test_the_status_route_describes_the_body_it_reads_itself():
    body = openapi_document()["paths"]["/api/documents/{document_id}/status"]["patch"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["required"] == ["status"] and "Needs Review" in schema["properties"]["status"]["enum"]


def test_every_route_needs_the_bearer_token():
    assert openapi_document()["security"] == [{"bearer": []}]


def test_allowed_methods_of_a_path():
    assert allowed_methods("/api/documents/7/status") == ["PATCH"]
    assert allowed_methods("/api/rules/3") == ["DELETE", "GET", "PUT"]
    assert allowed_methods("/api/nothing") == []
