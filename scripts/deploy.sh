#!/usr/bin/env bash
# `sam deploy` of the built application (`make deploy` builds first) with samconfig.toml's defaults: stack
# "recordengine", CAPABILITY_IAM, an artifacts bucket SAM manages, and a change set shown for confirmation.
# Extra arguments go to `sam deploy`, e.g. --guided, --stack-name NAME, --parameter-overrides K=V,
# --no-confirm-changeset. The region is the caller's (--region, AWS_REGION, AWS_DEFAULT_REGION or the
# profile's); with none configured, sam would stop with an error, so us-east-1 is used and said.
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

profile=""
has_region=false
previous=""
for arg in "$@"; do
  case "$arg" in
    --region|--region=*) has_region=true ;;
    --profile=*) profile="${arg#--profile=}" ;;
  esac
  [[ "$previous" == "--profile" ]] && profile="$arg"
  previous="$arg"
done

region_args=()
if ! $has_region && [[ -z "${AWS_REGION:-}" && -z "${AWS_DEFAULT_REGION:-}" ]]; then
  # The profile's region, read by the botocore that sam runs on (the python of sam's shebang).
  sam_python="$(head -1 "$SAM" | sed -n 's/^#!//p' | awk '{print $1}')"
  [[ -n "$profile" ]] && export AWS_PROFILE="$profile"
  profile_region="$("${sam_python:-python3}" -c \
    'import botocore.session; print(botocore.session.get_session().get_config_variable("region") or "")' \
    2>/dev/null || true)"
  if [[ -z "$profile_region" ]]; then
    echo "No AWS region configured (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region):" \
      "deploying to $DEFAULT_REGION. Choose another with: make deploy DEPLOY_ARGS=\"--region eu-west-1\"" >&2
    region_args=(--region "$DEFAULT_REGION")
  fi
fi

export SAM_CLI_TELEMETRY=0
exec "$SAM" deploy ${region_args[@]+"${region_args[@]}"} "$@"
