"""The OpenAPI document (recordengine/api/openapi.py): generated from the routers, committed as openapi.json,
and covering exactly the template's routes, each with its security and the errors it can answer with."""

import tomllib
from pathlib import Path

import pytest

import recordengine
from local.cfn import Template
from local.model import load_application
from recordengine.api.openapi import openapi_document, openapi_text
from recordengine.api.routes import ROUTES, allowed_methods, router_routes
from recordengine.models import Status
from recordengine.tokens import TokenScope

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_OPERATIONS = {("GET", "/api/health"), ("GET", "/api/openapi.json")}
# The review page (api/web.py): its routes are the page, not part of the API's document.
WEB_PAGE_PATHS = {"/", "/assets/{name}"}


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def operations(document):
    return {
        (method.upper(), path): operation
        for path, by_method in document["paths"].items()
        for method, operation in by_method.items()
    }


@pytest.mark.parametrize("path", ["openapi.json", "functions/openapi/openapi.json"])
def test_the_committed_openapi_json_is_the_generated_document(document, path):
    # functions/openapi/openapi.json is what the openapi function serves (api/openapi_route.py).
    committed = (ROOT / path).read_text(encoding="utf-8")
    assert committed == openapi_text(document), (
        f"{path} differs from the document the routers generate: run `make openapi` and commit it"
    )


def test_the_document_is_openapi_3_1_with_the_projects_version(document):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert document["openapi"] == "3.1.0"
    assert document["info"]["version"] == recordengine.__version__ == project["version"]


def test_the_document_has_every_route_of_the_template_and_no_other(document):
    template_routes = {
        (route.method, route.path)
        for route in load_application(Template.load(ROOT / "template.yaml")).routes
        if route.path != "$default" and route.path not in WEB_PAGE_PATHS
    }
    assert set(operations(document)) == template_routes
    assert ("GET", "/api/openapi.json") in template_routes


def test_only_health_and_the_document_itself_need_no_token(document):
    public = {key for key, operation in operations(document).items() if operation["security"] == []}
    assert public == PUBLIC_OPERATIONS
    assert document["security"] == [{"bearer": []}]
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


# Operations that any valid token may call, whatever its scopes.
ANY_TOKEN_OPERATIONS = {("GET", "/api/me")}


def test_every_other_operation_names_the_one_scope_it_needs(document):
    scopes = {scope.value for scope in TokenScope}
    for key, operation in operations(document).items():
        if key not in PUBLIC_OPERATIONS | ANY_TOKEN_OPERATIONS:
            ((requirement,),) = [operation["security"]]
            assert set(requirement) == {"bearer"} and len(requirement["bearer"]) == 1, key
            assert requirement["bearer"][0] in scopes, key


def test_the_status_enum_is_one_component_that_the_status_route_reads(document):
    assert document["components"]["schemas"]["Status"]["enum"] == [status.value for status in Status]
    body = document["paths"]["/api/documents/{document_id}/status"]["patch"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["required"] == ["status"]
    assert schema["properties"]["status"] == {"$ref": "#/components/schemas/Status"}


def test_every_error_answer_has_the_error_shape(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    for key, operation in operations(document).items():
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                assert answer["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                assert answer["description"], (key, status)
    assert "HTTPValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("method", "path", "errors"),
    [
        ("GET", "/api/health", set()),
        ("GET", "/api/openapi.json", set()),
        ("POST", "/api/documents/upload", {"401", "403", "409", "413", "415", "422", "503"}),
        ("POST", "/api/documents/uploads", {"401", "403", "422", "503"}),
        ("GET", "/api/documents", {"400", "401", "403", "422", "503"}),
        # An id in the path is text to the route (any other is 404): nothing there to fail validation.
        ("GET", "/api/documents/{document_id}", {"401", "403", "404", "503"}),
        # The status route reads its body itself: a malformed body or status is the published 400; 422 is
        # for notes that cannot be notes, 409 an Export before extraction, 412 a stale If-Match.
        ("PATCH", "/api/documents/{document_id}/status", {"400", "401", "403", "404", "409", "412", "422", "503"}),
        ("PATCH", "/api/documents/{document_id}", {"401", "403", "404", "412", "422", "503"}),
        ("GET", "/api/documents/{document_id}/history", {"401", "403", "404", "422", "503"}),
        ("GET", "/api/documents/{document_id}/file", {"401", "403", "404", "409", "422", "503"}),
        ("GET", "/api/me", {"401", "503"}),
        ("DELETE", "/api/documents/{document_id}", {"401", "403", "404", "503"}),
        ("GET", "/api/contacts", {"401", "403", "422", "503"}),
        ("PUT", "/api/rules/{rule_id}", {"401", "403", "404", "422", "503"}),
        ("DELETE", "/api/webhooks/{webhook_id}", {"401", "403", "404", "503"}),
    ],
)
def test_an_operation_documents_the_errors_its_route_can_give_and_no_other(document, method, path, errors):
    responses = document["paths"][path][method.lower()]["responses"]
    assert {status for status in responses if int(status) >= 400} == errors


def test_a_token_error_says_how_to_authenticate(document):
    unauthorized = document["paths"]["/api/documents"]["get"]["responses"]["401"]
    assert "WWW-Authenticate" in unauthorized["headers"]


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    references = set()

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                references.add(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert references
    for reference in references:
        assert reference.startswith("#/components/schemas/") and reference.rsplit("/", 1)[1] in schemas, reference


def test_the_text_is_stable():
    assert openapi_text(openapi_document()) == openapi_text(openapi_document())


def test_allowed_methods_of_a_path():
    assert allowed_methods("/api/documents/7/status") == ["PATCH"]
    assert allowed_methods("/api/rules/3") == ["DELETE", "GET", "PUT"]
    assert allowed_methods("/api/openapi.json") == ["GET"]
    assert allowed_methods("/api/nothing") == []
    # The most specific path's routes, as API Gateway chooses: "upload" is no document id.
    assert allowed_methods("/api/documents/upload") == ["POST"]
    assert allowed_methods("/api/documents/1") == ["DELETE", "GET", "PATCH"]


def test_an_operation_for_any_token_needs_a_token_but_names_no_scope(document):
    for key in ANY_TOKEN_OPERATIONS:
        operation = operations(document)[key]
        assert operation["security"] == [{"bearer": []}], key
        assert "401" in operation["responses"] and "403" not in operation["responses"], key


def test_the_route_table_lists_exactly_what_the_routers_serve() -> None:
    """api/routes.py's ROUTES (what the unknown-route answer reads, without importing every router)."""
    assert len(ROUTES) == len(set(ROUTES))
    assert set(ROUTES) == router_routes()
