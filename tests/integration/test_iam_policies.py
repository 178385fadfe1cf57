"""The stack enforces each function's policy from template.yaml on the calls its handler makes, as AWS does
(moto itself enforces none): a template missing one permission fails the route that needs it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.cfn import Template
from tests.support.aws_stack import ROOT, AwsStack, start_stack
from tests.support.documents import invoice_pdf


def without_action(template: Template, function: str, action: str) -> None:
    """Removes `action` from every statement of the function's inline policies."""
    removed = 0
    for policy in template.properties(function)["Policies"]:
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            removed += actions.count(action)
            statement["Action"] = [a for a in actions if a != action]
    assert removed, f"{function} has no statement with {action}"


@pytest.fixture
def stack_missing_delete_version(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsStack]:
    template = Template.load(ROOT / "template.yaml")
    without_action(template, "DeleteDocumentFunction", "s3:DeleteObjectVersion")
    yield from start_stack(monkeypatch, template)


def upload(stack: AwsStack, contact: dict[str, Any], folder: dict[str, Any]) -> int:
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    return int(r.json()["id"])


def file_versions(stack: AwsStack) -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=stack.bucket)
    return [v["Key"] for v in listed.get("Versions", [])]


def test_deleting_a_document_needs_its_functions_permission_to_delete_file_versions(
    stack_missing_delete_version: AwsStack,
) -> None:
    stack = stack_missing_delete_version
    contact = stack.request("POST", "/api/contacts", json_body={"name": "Example Trading"}).json()
    folder = stack.request("POST", "/api/folders", json_body={"name": "Invoices"}).json()
    doc_id = upload(stack, contact, folder)
    r = stack.request("DELETE", f"/api/documents/{doc_id}")
    # As in AWS: S3 refuses to erase the file's version, and the DELETE says so (a retry finishes it).
    assert r.status == 503, (r.status, r.body)
    assert "could not be deleted" in r.json()["detail"]
    assert len(file_versions(stack)) == 1


def test_with_the_templates_policy_the_same_delete_succeeds(
    stack: AwsStack, contact: dict[str, Any], folder: dict[str, Any]
) -> None:
    doc_id = upload(stack, contact, folder)
    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204
    assert file_versions(stack) == []
