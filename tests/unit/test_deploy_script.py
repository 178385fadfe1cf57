"""scripts/deploy.sh (`make deploy`): sam deploy with samconfig.toml's defaults, and a region even when the
reader has configured none (sam would stop with "No region information found").

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


@pytest.fixture
def fake_sam(tmp_path: Path) -> Path:
    # A Python script, as the real sam is: deploy.sh reads the profile's region with the python of its shebang.
    sam = tmp_path / "sam"
    sam.write_text(f"#!{sys.executable}\nimport sys\nprint(' '.join(sys.argv[1:]))\n")
    sam.chmod(0o755)
    return sam


def _deploy(fake_sam: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
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
        ["bash", str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=60, check=True
    )


def test_without_any_region_configured_it_deploys_to_us_east_1_and_says_so(fake_sam: Path, tmp_path: Path) -> None:
    result = _deploy(fake_sam, tmp_path)
    assert result.stdout.split() == ["deploy", "--region", "us-east-1"]
    assert "No AWS region configured" in result.stderr
    assert "--region" in result.stderr


def test_a_configured_region_is_left_to_sam(fake_sam: Path, tmp_path: Path) -> None:
    assert _deploy(fake_sam, tmp_path, AWS_REGION="eu-west-1").stdout.split() == ["deploy"]
    assert _deploy(fake_sam, tmp_path, AWS_DEFAULT_REGION="eu-west-1").stdout.split() == ["deploy"]
    assert _deploy(fake_sam, tmp_path, "--region", "ap-south-1").stdout.split() == ["deploy", "--region", "ap-south-1"]


def test_the_profiles_region_is_left_to_sam(fake_sam: Path, tmp_path: Path) -> None:
    (tmp_path / "aws-config").write_text("[default]\nregion = eu-central-1\n[profile other]\noutput = json\n")
    assert _deploy(fake_sam, tmp_path).stdout.split() == ["deploy"]
    # A profile without a region: the default one's does not count.
    assert _deploy(fake_sam, tmp_path, "--profile", "other").stdout.split() == [
        "deploy",
        "--region",
        "us-east-1",
        "--profile",
        "other",
    ]


def test_guided_arguments_pass_through(fake_sam: Path, tmp_path: Path) -> None:
    assert _deploy(fake_sam, tmp_path, "--guided", AWS_REGION="eu-west-1").stdout.split() == ["deploy", "--guided"]


def test_samconfig_answers_what_a_plain_sam_deploy_would_ask() -> None:
    config = tomllib.loads((REPO / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = {**config["default"]["global"]["parameters"], **config["default"]["deploy"]["parameters"]}
    assert deploy["stack_name"] == deploy["stack_name"].lower()
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["resolve_s3"] is True
    assert "region" not in deploy  # the caller's region, never one written here
