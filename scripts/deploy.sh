#!/usr/bin/env bash
# `sam deploy` of the built application (`make deploy` builds first) with samconfig.toml's defaults: stack
# "recordengine", CAPABILITY_IAM, an artifacts bucket SAM manages, and a change set shown for confirmation.
# Extra arguments go to `sam deploy`, e.g. --guided, --stack-name NAME, --parameter-overrides K=V,
# --no-confirm-changeset. The region is the caller's (--region, AWS_REGION, AWS_DEFAULT_REGION or the
# profile's); with none configured, sam would stop with an error, so us-east-1 is used and said.
# After a deploy it prints the review page's URL (WebUrl) and the `make token` line for the first token; after
# a failure, what to do when a first create left the stack in ROLLBACK_COMPLETE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEFAULT_REGION=us-east-1

# SAM_BIN: the sam to run (default .venv-tools/bin/sam, from `make tools`, else sam on PATH).
SAM="${SAM_BIN:-}"
if [[ -z "$SAM" ]]; then
  if [[ -x .venv-tools/bin/sam ]]; then SAM="$ROOT/.venv-tools/bin/sam"; else SAM="$(command -v sam)" || {
    echo "sam not found: run \`make tools\` (it installs the SAM CLI into .venv-tools)" >&2; exit 1; }; fi
fi

# The python of sam's shebang: it has botocore (for the profile's region) and reads sam's JSON output.
sam_python="$(head -1 "$SAM" | sed -n 's/^#!//p' | awk '{print $1}')"
sam_python="${sam_python:-python3}"

profile=""
has_region=false
region=""
# samconfig.toml's stack_name, unless --stack-name says otherwise.
stack_name="$(sed -n 's/^stack_name *= *"\(.*\)"/\1/p' samconfig.toml | head -1)"
previous=""
for arg in "$@"; do
  case "$arg" in
    --region) has_region=true ;;
    --region=*) has_region=true; region="${arg#--region=}" ;;
    --profile=*) profile="${arg#--profile=}" ;;
    --stack-name=*) stack_name="${arg#--stack-name=}" ;;
  esac
  [[ "$previous" == "--profile" ]] && profile="$arg"
  [[ "$previous" == "--region" ]] && region="$arg"
  [[ "$previous" == "--stack-name" ]] && stack_name="$arg"
  previous="$arg"
done

region_args=()
if ! $has_region && [[ -z "${AWS_REGION:-}" && -z "${AWS_DEFAULT_REGION:-}" ]]; then
  # The profile's region, read by the botocore that sam runs on.
  [[ -n "$profile" ]] && export AWS_PROFILE="$profile"
  profile_region="$("$sam_python" -c \
    'import botocore.session; print(botocore.session.get_session().get_config_variable("region") or "")' \
    2>/dev/null || true)"
  if [[ -z "$profile_region" ]]; then
    echo "No AWS region configured (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region):" \
      "deploying to $DEFAULT_REGION. Choose another with: make deploy DEPLOY_ARGS=\"--region eu-west-1\"" >&2
    region_args=(--region "$DEFAULT_REGION")
    region="$DEFAULT_REGION"
  fi
fi

export SAM_CLI_TELEMETRY=0
where_args=(--stack-name "$stack_name" ${region:+--region "$region"} ${profile:+--profile "$profile"})
if ! "$SAM" deploy ${region_args[@]+"${region_args[@]}"} "$@"; then
  # Without credentials nothing was created: the rollback advice below would send the user after no stack.
  [[ -n "$profile" ]] && export AWS_PROFILE="$profile"
  if ! "$sam_python" -c \
    'import sys, botocore.session; sys.exit(botocore.session.get_session().get_credentials() is None)' 2>/dev/null; then
    echo "sam deploy found no AWS credentials, so nothing was created. Configure them (aws configure," \
      "AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then make deploy again." >&2
    exit 1
  fi
  echo "sam deploy failed. If this was the stack's first create, CloudFormation has rolled it back and left it in" \
    "ROLLBACK_COMPLETE, which cannot be updated: delete it, fix the cause shown above, and deploy again:" \
    "$SAM delete ${where_args[*]}" >&2
  exit 1
fi

# The review page, and the one command that issues the first token (make token uses the same region fallback).
web_url="$("$SAM" list stack-outputs "${where_args[@]}" --output json 2>/dev/null | "$sam_python" -c \
  'import json, sys; print(next((o["OutputValue"] for o in json.load(sys.stdin) if o["OutputKey"] == "WebUrl"), ""))' \
  2>/dev/null || true)"
echo
echo "Review page: ${web_url:-(the WebUrl output of stack $stack_name)}"
echo "First token: make token STACK=$stack_name${region:+ REGION=$region}"
