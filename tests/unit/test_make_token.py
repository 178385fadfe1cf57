"""The 403 answer to a token without the scope a route needs names a command that runs as written: the
`make token` line it gives becomes, through the Makefile, a CLI command that the CLI accepts, for a deployed
stack and for the local one. `make -n` prints the command without running it."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.requests import Request

from recordengine.api.auth import CALLER_SCOPE_KEY, Caller, ScopeRequirement
from recordengine.cli import build_parser
from recordengine.errors import Forbidden
from recordengine.settings import get_settings
from recordengine.tokens import TokenScope

REPO = Path(__file__).resolve().parents[2]


def _forbidden_detail(scope: TokenScope) -> str:
    request = Request({"type": "http", CALLER_SCOPE_KEY: Caller("5a3f0c9e1b2d", frozenset({"documents:read"}))})
    with pytest.raises(Forbidden) as raised:
        ScopeRequirement(scope)(request)
    return str(raised.value)


def _make_arguments(detail: str) -> list[str]:
    """The `make token ...` line the detail ends with, as make's arguments."""
    found = re.search(r"make (token(?: [A-Z]+=\S+)+)$", detail)
    assert found, detail
    return found.group(1).split()


@pytest.fixture
def stack_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], None]]:
    def use(environment: dict[str, str]) -> None:
        for name in ("STACK_NAME", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


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


def test_the_403_of_a_deployed_stack_names_the_make_token_command_for_it_as_written(
    stack_settings: Callable[[dict[str, str]], None],
) -> None:
    stack_settings({"STACK_NAME": "docs-prod", "AWS_REGION": "eu-west-1"})
    detail = _forbidden_detail(TokenScope.ADMIN)
    deployed = build_parser().parse_args(_cli_arguments(_make_arguments(detail)))
    assert (deployed.stack, deployed.region, deployed.scope, deployed.export) == (
        "docs-prod",
        "eu-west-1",
        ["admin"],
        True,
    )


def test_the_403_of_the_local_stack_names_the_local_make_token_command(
    stack_settings: Callable[[dict[str, str]], None],
) -> None:
    stack_settings({"STACK_NAME": "recordengine-local", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})
    detail = _forbidden_detail(TokenScope.DOCUMENTS_WRITE)
    local = build_parser().parse_args(_cli_arguments(_make_arguments(detail)))
    assert (local.local, local.scope, local.export) == (True, ["documents:write"], True)


def test_make_token_passes_the_region_when_given() -> None:
    arguments = build_parser().parse_args(_cli_arguments(["token", "STACK=docs-prod", "REGION=eu-west-1"]))
    assert (arguments.stack, arguments.region) == ("docs-prod", "eu-west-1")
    assert arguments.scope == ["documents:read,documents:write,admin"]
