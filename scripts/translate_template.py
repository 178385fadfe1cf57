#!/usr/bin/env python3
"""Translate the SAM template to plain CloudFormation (JSON), offline.

`sam validate --lint` misses some errors that only exist after the SAM transform (notably circular
dependencies, E3004), so scripts/lint_template.sh runs cfn-lint and checkov on this output as well.

checkov reads its skips from a resource's `Metadata: checkov: skip:`. The transform keeps a function's
Metadata on the function but not on what it generates from a SAM resource (an HttpApi's stage, a
function's role): those resources take the skips of the SAM resource they come from.

Needs aws-sam-translator (installed with the SAM CLI in .venv-tools). No AWS account or network is used:
managed policy names are not looked up in IAM (the template uses SAM policy templates only).

Usage: translate_template.py [TEMPLATE] [OUTPUT]   (defaults: template.yaml, stdout)
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any, cast


class OfflinePolicyLoader:
    """Stands in for samtranslator's ManagedPolicyLoader, which would call IAM ListPolicies."""

    def load(self) -> dict[str, str]:
        return {}


# Properties that `sam package` would replace with the S3 location of an uploaded artifact. The translator
# only accepts S3 locations, so local paths are replaced with placeholders, as `sam package` would.
_ARTIFACT_PROPERTIES = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::Application": ("Location",),
}
_GLOBALS_SECTIONS = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "StateMachine": "AWS::Serverless::StateMachine",
}


def _placeholder(value: Any) -> Any:
    if isinstance(value, str) and not value.startswith(("s3://", "https://")):
        return "s3://local-artifacts/" + (value.strip("./") or "root")
    return value


def _replace_local_artifacts(properties: Any, resource_type: str) -> None:
    if not isinstance(properties, dict):
        return
    for name in _ARTIFACT_PROPERTIES.get(resource_type, ()):
        if name in properties:
            properties[name] = _placeholder(properties[name])


def with_placeholder_artifacts(template: dict[str, Any]) -> dict[str, Any]:
    for section, resource_type in _GLOBALS_SECTIONS.items():
        _replace_local_artifacts((template.get("Globals") or {}).get(section), resource_type)
    for resource in (template.get("Resources") or {}).values():
        if isinstance(resource, dict):
            _replace_local_artifacts(resource.get("Properties"), str(resource.get("Type")))
    return template


def carry_checkov_skips(source: dict[str, Any], translated: dict[str, Any]) -> dict[str, Any]:
    """Gives each generated resource the checkov skips of the SAM resource whose logical id prefixes its own."""
    declared = source.get("Resources") or {}
    skips_by_origin = {
        logical_id: skips
        for logical_id, resource in declared.items()
        if isinstance(resource, dict)
        and str(resource.get("Type", "")).startswith("AWS::Serverless::")
        and (skips := ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip"))
    }
    for logical_id, resource in (translated.get("Resources") or {}).items():
        if logical_id in declared or not isinstance(resource, dict):
            continue
        origins = [origin for origin in skips_by_origin if logical_id.startswith(origin)]
        if not origins:
            continue
        checkov = resource.setdefault("Metadata", {}).setdefault("checkov", {})
        checkov["skip"] = [*checkov.get("skip", []), *skips_by_origin[max(origins, key=len)]]
    return translated


def load_template(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        from samcli.yamlhelper import yaml_parse  # the parser `sam` itself uses (short-form intrinsics)
    except ImportError:  # cfn-lint alone
        from cfnlint.decode.cfn_yaml import loads

        return cast(dict[str, Any], loads(text, str(path)))
    return cast(dict[str, Any], yaml_parse(text))


def main(argv: list[str]) -> int:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # pseudo parameters need a region, not an account
    from samtranslator.translator.transform import transform

    template_path = Path(argv[1]) if len(argv) > 1 else Path("template.yaml")
    source = load_template(template_path)
    # The transform changes the template it is given: it gets a copy, and the source keeps its Metadata.
    translated = transform(with_placeholder_artifacts(copy.deepcopy(source)), {}, OfflinePolicyLoader())
    translated = carry_checkov_skips(source, translated)
    output = json.dumps(translated, indent=2, sort_keys=False, default=str) + "\n"
    if len(argv) > 2:
        Path(argv[2]).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
