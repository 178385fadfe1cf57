"""Manage API tokens of a deployed stack or of the local one.

    python -m recordengine.cli tokens create --name "CRM connector" --stack recordengine
    python -m recordengine.cli tokens create --name "Ops" --scope documents:read --scope admin --local
    python -m recordengine.cli tokens list --local
    python -m recordengine.cli tokens revoke 5a3f0c9e1b2d --table recordengine-DocumentsTable-ABC

The plain token is printed once, at creation; only its hash is stored. Scopes: documents:read,
documents:write (the default: both) and admin (rules and webhooks). The CLI itself uses AWS credentials,
not a token: whoever may write the table may manage tokens.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

LOCAL_STACK_FILE = Path(".local/stack.json")
TABLE_OUTPUT = "DocumentsTableName"
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


def _table_and_client(args: argparse.Namespace) -> tuple[str, Any]:
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
        return stack["resources"]["DocumentsTable"], client
    if args.table:
        return args.table, boto3.client("dynamodb", region_name=args.region)
    outputs = boto3.client("cloudformation", region_name=args.region).describe_stacks(StackName=args.stack)
    for output in outputs["Stacks"][0].get("Outputs", []):
        if output["OutputKey"] == TABLE_OUTPUT:
            return output["OutputValue"], boto3.client("dynamodb", region_name=args.region)
    raise CliError(f"Stack {args.stack} has no {TABLE_OUTPUT} output.")


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

    table, client = _table_and_client(args)
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
        print(issued.token)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recordengine.cli", description=__doc__.split("\n")[0])
    target = argparse.ArgumentParser(add_help=False)
    where = target.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="name of a deployed CloudFormation stack")
    where.add_argument("--table", help="name of the stack's DocumentsTable")
    where.add_argument("--local", action="store_true", help="the local stack started by 'make run'")
    target.add_argument("--region", help="AWS region (default: your AWS configuration's)")
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
    tokens.add_parser("list", parents=[target], help="list tokens and their scopes (never their secrets)")
    revoke = tokens.add_parser("revoke", parents=[target], help="revoke a token by its key id")
    revoke.add_argument("key_id", help="the 12 hex digits after 're_' in the token")
    documents = commands.add_parser("documents", help="documents").add_subparsers(dest="action", required=True)
    documents.add_parser(
        "backfill-counts",
        parents=[target],
        help="once, after deploying list count items: index and count the documents stored before them",
    )
    args = parser.parse_args(argv)
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
