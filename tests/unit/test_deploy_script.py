"""scripts/deploy.sh (`make deploy`): sam deploy with samconfig.toml's defaults, and a region even when the
reader has configured none (sam would stop with "No region information found"); after it, the review page's
URL and the `make token` line; after a failure, how to get past a first create's ROLLBACK_COMPLETE.

A stand-in `sam` records its arguments; nothing reaches AWS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "deploy.sh"


WEB_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/"
# A stand-in sam: `deploy` prints its arguments (and fails with FAKE_SAM_FAIL=1); `list stack-outputs` answers
# as sam does, in JSON. A Python script, as the real sam is: deploy.sh runs the python of its shebang.
FAKE_SAM = f"""#!{sys.executable}
import json, os, sys
if sys.argv[1:3] == ["list", "stack-outputs"]:
    outputs = {{"ApiUrl": "x", "WebUrl": "{WEB_URL}"}}
    print(json.dumps([{{"OutputKey": key, "OutputValue": value}} for key, value in outputs.items()]))
    sys.exit(0)
print(' '.join(sys.argv[1:]))
sys.exit(1 if os.environ.get("FAKE_SAM_FAIL") else 0)
"""


@pytest.fixture
def fake_sam(tmp_path: Path) -> Path:
    sam = tmp_path / "sam"
    sam.write_text(FAKE_SAM)
    sam.chmod(0o755)
    return sam


def _deploy(
    fake_sam: Path, tmp_path: Path, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    """The script's run; its stdout's first line is the arguments `sam deploy` was given."""
    config = tmp_path / "aws-config"
    if not config.exists():
        config.write_text("")
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SAM_BIN": str(fake_sam),
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        **env,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=60, check=check
    )


def test_without_any_region_configured_it_deploys_to_us_east_1_and_says_so(fake_sam: Path, tmp_path: Path) -> None:
    result = _deploy(fake_sam, tmp_path)
    assert result.stdout.splitlines()[0].split() == ["deploy", "--region", "us-east-1"]
    assert "No AWS region configured" in result.stderr
    assert "--region" in result.stderr


def test_a_configured_region_is_left_to_sam(fake_sam: Path, tmp_path: Path) -> None:
    assert _deploy(fake_sam, tmp_path, AWS_REGION="eu-west-1").stdout.splitlines()[0].split() == ["deploy"]
    assert _deploy(fake_sam, tmp_path, AWS_DEFAULT_REGION="eu-west-1").stdout.splitlines()[0].split() == ["deploy"]
    assert _deploy(fake_sam, tmp_path, "--region", "ap-south-1").stdout.splitlines()[0].split() == [
        "deploy",
        "--region",
        "ap-south-1",
    ]


def test_the_profiles_region_is_left_to_sam(fake_sam: Path, tmp_path: Path) -> None:
    (tmp_path / "aws-config").write_text("[default]\nregion = eu-central-1\n[profile other]\noutput = json\n")
    assert _deploy(fake_sam, tmp_path).stdout.splitlines()[0].split() == ["deploy"]
    # A profile without a region: the default one's does not count.
    assert _deploy(fake_sam, tmp_path, "--profile", "other").stdout.splitlines()[0].split() == [
        "deploy",
        "--region",
        "us-east-1",
        "--profile",
        "other",
    ]


def test_guided_arguments_pass_through(fake_sam: Path, tmp_path: Path) -> None:
    assert _deploy(fake_sam, tmp_path, "--guided", AWS_REGION="eu-west-1").stdout.splitlines()[0].split() == [
        "deploy",
        "--guided",
    ]


def test_samconfig_answers_what_a_plain_sam_deploy_would_ask() -> None:
    config = tomllib.loads((REPO / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = {**config["default"]["global"]["parameters"], **config["default"]["deploy"]["parameters"]}
    assert deploy["stack_name"] == deploy["stack_name"].lower()
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["resolve_s3"] is True
    assert "region" not in deploy  # the caller's region, never one written here


def test_after_a_deploy_it_prints_the_review_page_and_the_first_token_command(fake_sam: Path, tmp_path: Path) -> None:
    lines = _deploy(fake_sam, tmp_path, "--stack-name", "docs-prod", "--region", "eu-west-1").stdout.splitlines()
    assert f"Review page: {WEB_URL}" in lines
    assert "First token: make token STACK=docs-prod REGION=eu-west-1" in lines


def test_the_first_token_command_names_samconfigs_stack_and_the_fallback_region(fake_sam: Path, tmp_path: Path) -> None:
    stack = tomllib.loads((REPO / "samconfig.toml").read_text(encoding="utf-8"))["default"]["global"]["parameters"]
    lines = _deploy(fake_sam, tmp_path).stdout.splitlines()
    assert f"First token: make token STACK={stack['stack_name']} REGION=us-east-1" in lines
    # A configured region is make token's too: it is not repeated.
    lines = _deploy(fake_sam, tmp_path, AWS_REGION="eu-west-1").stdout.splitlines()
    assert f"First token: make token STACK={stack['stack_name']}" in lines


# Credentials that exist, for the script's own check (the stand-in sam calls nothing).
SOME_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example"}


def test_a_failed_deploy_says_how_to_retry_a_first_create_that_rolled_back(fake_sam: Path, tmp_path: Path) -> None:
    result = _deploy(
        fake_sam,
        tmp_path,
        "--stack-name",
        "docs-prod",
        check=False,
        AWS_REGION="eu-west-1",
        FAKE_SAM_FAIL="1",
        **SOME_CREDENTIALS,
    )
    assert result.returncode != 0
    assert "ROLLBACK_COMPLETE" in result.stderr
    assert f"{fake_sam} delete --stack-name docs-prod" in result.stderr
    assert "Review page" not in result.stdout


def test_a_deploy_without_credentials_says_so_and_not_to_delete_a_stack(fake_sam: Path, tmp_path: Path) -> None:
    result = _deploy(fake_sam, tmp_path, check=False, AWS_REGION="eu-west-1", FAKE_SAM_FAIL="1")
    assert result.returncode != 0
    assert "no AWS credentials, so nothing was created" in result.stderr
    assert "ROLLBACK_COMPLETE" not in result.stderr and "delete" not in result.stderr
