"""template.yaml and `make lint`'s checkov gate: every skipped check says why, skips reach the resources the
SAM transform generates, and the fixes behave as their parameters say.

checkov itself runs in `make lint` (scripts/lint_template.sh, from its own environment .venv-checkov).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from local.cfn import Template, load_yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO / "template.yaml"
TEMPLATE = load_yaml(TEMPLATE_PATH.read_text(encoding="utf-8"))


def _load_translate_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translate_template", REPO / "scripts" / "translate_template.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _skips(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return list(((resource.get("Metadata") or {}).get("checkov") or {}).get("skip") or [])


SKIPS = [(logical_id, skip) for logical_id, resource in TEMPLATE["Resources"].items() for skip in _skips(resource)]


def test_the_template_has_checkov_skips() -> None:
    assert len(SKIPS) > 10


@pytest.mark.parametrize(("logical_id", "skip"), SKIPS, ids=[f"{lid}-{s.get('id')}" for lid, s in SKIPS])
def test_every_skip_names_a_check_and_gives_its_reason(logical_id: str, skip: dict[str, Any]) -> None:
    assert str(skip.get("id", "")).startswith("CKV"), logical_id
    assert len(str(skip.get("comment", "")).split()) >= 6, f"{logical_id} {skip.get('id')}: say why it is skipped"


def test_no_check_is_skipped_twice_on_one_resource() -> None:
    for logical_id, resource in TEMPLATE["Resources"].items():
        ids = [skip["id"] for skip in _skips(resource)]
        assert len(ids) == len(set(ids)), logical_id


def test_skips_of_a_sam_resource_reach_the_resources_generated_from_it() -> None:
    translate = _load_translate_script()
    source = {
        "Resources": {
            "HttpApi": {
                "Type": "AWS::Serverless::HttpApi",
                "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_95", "comment": "why"}]}},
            },
            "HttpApiAccessLogGroup": {"Type": "AWS::Logs::LogGroup"},
            "Function": {"Type": "AWS::Serverless::Function"},
        }
    }
    translated = {
        "Resources": {
            "HttpApi": {"Type": "AWS::ApiGatewayV2::Api"},
            "HttpApiApiGatewayDefaultStage": {"Type": "AWS::ApiGatewayV2::Stage"},
            "HttpApiAccessLogGroup": {"Type": "AWS::Logs::LogGroup"},
            "FunctionRole": {"Type": "AWS::IAM::Role"},
        }
    }
    resources = translate.carry_checkov_skips(source, translated)["Resources"]
    assert _skips(resources["HttpApiApiGatewayDefaultStage"]) == [{"id": "CKV_AWS_95", "comment": "why"}]
    # A resource of the template keeps only its own skips; nothing is invented for the others.
    assert _skips(resources["HttpApiAccessLogGroup"]) == []
    assert _skips(resources["FunctionRole"]) == []


def _extraction_properties(**overrides: str) -> dict[str, Any]:
    """The function's concurrency settings with their intrinsics resolved (its events and policies name the
    table's stream, whose ARN is known only once the table exists)."""
    template = Template.load(TEMPLATE_PATH, parameter_overrides=overrides)
    properties = template.properties("ExtractDocumentFunction")
    return dict(template.resolve({k: v for k, v in properties.items() if k == "ReservedConcurrentExecutions"}))


def test_extraction_concurrency_is_reserved_only_when_asked() -> None:
    # A reservation by default would fail the first deploy of an account whose quota is below 100 + it.
    assert "ReservedConcurrentExecutions" not in _extraction_properties()
    assert _extraction_properties(ExtractionReservedConcurrency="3")["ReservedConcurrentExecutions"] == "3"
    # Lambda's reservation of 0 would stop every extraction: 0 must leave the property out instead.
    assert "ReservedConcurrentExecutions" not in _extraction_properties(ExtractionReservedConcurrency="0")


def test_access_logs_are_on_by_default() -> None:
    template = Template.load(TEMPLATE_PATH)
    assert template.condition("AccessLogsEnabled")
    settings = template.resolve(template.properties("HttpApi"))["AccessLogSettings"]
    assert settings["DestinationArn"]
