"""Manage API tokens of a deployed stack or of the local one.

    python -m recordengine.cli tokens create --name "CRM connector" --stack recordengine
    python -m recordengine.cli tokens create --name "Ops" --scope documents:read --scope admin --local
    python -m recordengine.cli tokens list --local
    python -m recordengine.cli tokens revoke 5a3f0c9e1b2d --table recordengine-DocumentsTable-ABC
    python -m recordengine.cli tokens create --name "Admin" --stack recordengine --export   # `make token STACK=...`

The plain token is printed once, at creation; only its hash is stored. Scopes: documents:read,
documents:write (the default: both) and admin (rules and webhooks). The CLI itself uses AWS credentials,
not a token: whoever may write the table may manage tokens. Its region is --region, else AWS_REGION,
AWS_DEFAULT_REGION or the profile's, else us-east-1: the same as `make deploy` (scripts/deploy.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCAL_STACK_FILE = Path(".local/stack.json")
TABLE_OUTPUT = "DocumentsTableName"
API_URL_OUTPUT = "ApiUrl"
# Where `make deploy` deploys when no region is configured (DEFAULT_REGION in scripts/deploy.sh): the CLI
# looks for the stack there too, so that the stack `make deploy` created is found with no more configuration.
DEFAULT_REGION = "us-east-1"
# The local stack's moto accepts any credentials; these keep the CLI from looking for real ones.
LOCAL_ACCESS_KEY_ID = "testing"
LOCAL_SECRET_ACCESS_KEY = "testing"  # noqa: S105 - moto's placeholder, not a secret


class CliError(Exception):
    """A problem the user can fix, said in one sentence."""


def _local_stack() -> dict[str, Any]:
    if not LOCAL_STACK_FILE.exists():
        raise CliError(f"No local stack found ({LOCAL_STACK_FILE} is missing): start it with 'make run'.")
    stack: dict[str, Any] = json.loads(LOCAL_STACK_FILE.read_text())
    return stack


@dataclass(frozen=True)
class Target:
    """The documents table to manage tokens in, a DynamoDB client for it, and the API's URL when known."""

    table: str
    client: Any
    api_url: str = ""


def _region(args: argparse.Namespace) -> str:
    """--region, else the configured one (as sam and `make deploy` read it), else DEFAULT_REGION, said."""
    if args.region:
        return str(args.region)
    import botocore.session

    configured = os.environ.get("AWS_REGION") or botocore.session.get_session().get_config_variable("region")
    if configured:
        return str(configured)
    print(
        f"No AWS region configured (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region): "
        f"using {DEFAULT_REGION}, where `make deploy` deploys then.",
        file=sys.stderr,
    )
    return DEFAULT_REGION


def _target(args: argparse.Namespace) -> Target:
    import boto3

    if args.local:
        stack = _local_stack()
        client = boto3.client(
            "dynamodb",
            endpoint_url=stack["endpoint_url"],
            region_name=stack["region"],
            aws_access_key_id=LOCAL_ACCESS_KEY_ID,
            aws_secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        )
        return Target(stack["resources"]["DocumentsTable"], client, stack.get("url", ""))
    region = _region(args)
    if args.table:
        return Target(args.table, boto3.client("dynamodb", region_name=region))
    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=args.stack)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    if TABLE_OUTPUT not in outputs:
        raise CliError(f"Stack {args.stack} has no {TABLE_OUTPUT} output.")
    return Target(outputs[TABLE_OUTPUT], boto3.client("dynamodb", region_name=region), outputs.get(API_URL_OUTPUT, ""))


def export_line(token: str, api_url: str) -> str:
    """The shell line that hands the token (and the API's URL, when known) to the README's curl examples."""
    assignments = [f"RECORDENGINE_URL={shlex.quote(api_url)}"] if api_url else []
    return "export " + " ".join([*assignments, f"RECORDENGINE_TOKEN={shlex.quote(token)}"])


def _explain(error: Exception, args: argparse.Namespace) -> str | None:
    """What an AWS error means for the user, or None when it is not one we can explain."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            "No AWS credentials found. Configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY), or use --local for the local stack, which needs none."
        )
    if isinstance(error, NoRegionError):
        return "No AWS region configured: pass --region or set AWS_DEFAULT_REGION."
    if isinstance(error, EndpointConnectionError):
        if args.local:
            return f"The local stack does not answer ({error}); start it with 'make run'."
        return f"AWS could not be reached: {error}"
    if isinstance(error, ClientError):
        return f"AWS refused the request: {error}"
    return None


def _run(args: argparse.Namespace) -> int:
    from .tokens import DEFAULT_SCOPES, TokenStore, parse_scopes

    target = _target(args)
    table, client = target.table, target.client
    if args.resource == "documents":
        from .storage.documents import DocumentStore
        from .storage.table import Table

        counted = DocumentStore(Table(table, client)).backfill_counts()
        print(f"{counted} document(s) indexed and counted.", file=sys.stderr)
        return 0
    store = TokenStore(table, client)
    if args.action == "create":
        try:
            scopes = parse_scopes(args.scope) if args.scope else DEFAULT_SCOPES
        except ValueError as error:
            raise CliError(str(error)) from None
        issued = store.create(args.name, scopes=scopes)
        print(export_line(issued.token, target.api_url) if args.export else issued.token)
        granted = ", ".join(sorted(issued.scopes))
        print(f"Token {issued.key_id} ({issued.name}; {granted}) created; it is shown only now.", file=sys.stderr)
    elif args.action == "list":
        for info in store.list():
            state = f"revoked {info.revoked_at}" if info.revoked_at else "active"
            print(f"{info.key_id}  {info.created_at}  {state:28}  {','.join(sorted(info.scopes)):38}  {info.name}")
    elif not store.revoke(args.key_id):
        print(f"No token with key id {args.key_id}.", file=sys.stderr)
        return 1
    else:
        print(f"Token {args.key_id} revoked.", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m recordengine.cli", description=__doc__.split("\n")[0])
    target = argparse.ArgumentParser(add_help=False)
    where = target.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="name of a deployed CloudFormation stack")
    where.add_argument("--table", help="name of the stack's DocumentsTable")
    where.add_argument("--local", action="store_true", help="the local stack started by 'make run'")
    target.add_argument(
        "--region", help=f"AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else {DEFAULT_REGION})"
    )
    commands = parser.add_subparsers(dest="resource", required=True)
    tokens = commands.add_parser("tokens", help="API bearer tokens").add_subparsers(dest="action", required=True)
    create = tokens.add_parser("create", parents=[target], help="issue a token and print it once")
    create.add_argument("--name", required=True, help="who or what the token is for")
    create.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="documents:read, documents:write or admin; repeat it or separate with commas "
        "(default: documents:read,documents:write)",
    )
    create.add_argument(
        "--export",
        action="store_true",
        help="print a shell line, export RECORDENGINE_URL=... RECORDENGINE_TOKEN=..., instead of the bare token",
    )
    tokens.add_parser("list", parents=[target], help="list tokens and their scopes (never their secrets)")
    revoke = tokens.add_parser("revoke", parents=[target], help="revoke a token by its key id")
    revoke.add_argument("key_id", help="the 12 hex digits after 're_' in the token")
    documents = commands.add_parser("documents", help="documents").add_subparsers(dest="action", required=True)
    documents.add_parser(
        "backfill-counts",
        parents=[target],
        help="once, after deploying list count items: index and count the documents stored before them",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except CliError as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:
        explanation = _explain(error, args)
        if explanation is None:
            raise
        print(explanation, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
