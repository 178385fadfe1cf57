"""The 403 answer to a token without the scope a route needs names a command that runs as written: the
`make token` line it gives becomes, through the Makefile, a CLI command that the CLI accepts, for a deployed
stack and for the local one. `make -n` prints the command without running it."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from starlette.requests import Request

from recordengine.api.auth import CALLER_SCOPE_KEY, Caller, ScopeRequirement
from recordengine.cli import build_parser
from recordengine.errors import Forbidden
from recordengine.tokens import TokenScope

REPO = Path(__file__).resolve().parents[2]


def _forbidden_detail(scope: TokenScope) -> str:
    request = Request({"type": "http", CALLER_SCOPE_KEY: Caller("5a3f0c9e1b2d", frozenset({"documents:read"}))})
    with pytest.raises(Forbidden) as raised:
        ScopeRequirement(scope)(request)
    return str(raised.value)


def _cli_arguments(make_arguments: list[str]) -> list[str]:
    """The arguments `make token ...` gives the CLI (make -n: printed, not run)."""
    printed = subprocess.run(
        ["make", "-n", "--no-print-directory", "-o", ".venv/.installed", *make_arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    command = shlex.split(printed.replace("\\\n", " "))
    return command[command.index("recordengine.cli") + 1 :]


def test_the_403_names_a_make_token_command_that_reaches_the_cli_with_that_scope() -> None:
    detail = _forbidden_detail(TokenScope.ADMIN)
    found = re.search(r"make token (SCOPES=\S+) STACK=<[^>]+>", detail)
    assert found, detail
    deployed = build_parser().parse_args(_cli_arguments(["token", found.group(1), "STACK=docs-prod"]))
    assert (deployed.stack, deployed.scope, deployed.export) == ("docs-prod", ["admin"], True)
    local = build_parser().parse_args(_cli_arguments(["token", found.group(1)]))
    assert (local.local, local.scope, local.export) == (True, ["admin"], True)


def test_make_token_passes_the_region_when_given() -> None:
    arguments = build_parser().parse_args(_cli_arguments(["token", "STACK=docs-prod", "REGION=eu-west-1"]))
    assert (arguments.stack, arguments.region) == ("docs-prod", "eu-west-1")
    assert arguments.scope == ["documents:read,documents:write,admin"]
