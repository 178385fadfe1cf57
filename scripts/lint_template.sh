#!/usr/bin/env bash
# Lint template.yaml offline (no AWS account, no Docker). Run from anywhere; works on the repo root.
#  1. sam validate --lint            (cfn-lint on the SAM template itself)
#  2. cfn-lint on the translated template (plain CloudFormation after the SAM transform): catches what
#     only exists after the transform, e.g. circular dependencies (E3004) between the bucket's S3
#     notification, the extraction function and its role.
#  3. checkov on the translated template: every failed policy is either fixed in template.yaml or skipped
#     on its resource (`Metadata: checkov: skip:` with the reason); any other failure fails the lint.
# Tools come from .venv-tools/bin (sam, cfn-lint) and .venv-checkov/bin (checkov) when present, else PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TEMPLATE="${1:-template.yaml}"

if [[ -x .venv-tools/bin/sam ]]; then TOOLS_BIN="$ROOT/.venv-tools/bin"; else TOOLS_BIN=""; fi
tool() { if [[ -n "$TOOLS_BIN" && -x "$TOOLS_BIN/$1" ]]; then echo "$TOOLS_BIN/$1"; else command -v "$1"; fi; }
SAM="$(tool sam)" || { echo "sam not found (.venv-tools/bin or PATH)" >&2; exit 1; }
CFN_LINT="$(tool cfn-lint)" || { echo "cfn-lint not found (.venv-tools/bin or PATH)" >&2; exit 1; }
if [[ -x .venv-checkov/bin/checkov ]]; then CHECKOV="$ROOT/.venv-checkov/bin/checkov"; else CHECKOV="$(command -v checkov)" || {
  echo "checkov not found (.venv-checkov/bin or PATH): make tools installs it" >&2; exit 1; }; fi
# The python that has samtranslator: the tools venv's, else the one running cfn-lint, else python3.
if [[ -n "$TOOLS_BIN" && -x "$TOOLS_BIN/python" ]]; then
  TOOLS_PY="$TOOLS_BIN/python"
else
  TOOLS_PY="$(head -1 "$CFN_LINT" | sed -n 's/^#!//p' | awk '{print $1}')"
  [[ -x "$TOOLS_PY" ]] || TOOLS_PY="$(command -v python3)"
fi

# Offline: a region for pseudo parameters, no credentials needed, no telemetry or update checks.
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_REGION="${AWS_REGION:-$AWS_DEFAULT_REGION}"
export SAM_CLI_TELEMETRY=0

echo "== 1/3 sam validate --lint ($TEMPLATE)"
"$SAM" validate --lint --template-file "$TEMPLATE"

echo "== 2/3 cfn-lint on the translated template"
OUT_DIR="$(mktemp -d)"
trap 'rm -rf "$OUT_DIR"' EXIT
"$TOOLS_PY" scripts/translate_template.py "$TEMPLATE" "$OUT_DIR/translated.json"
# W2001 (parameter not used) is ignored here only: the SAM transform resolves some parameters itself
# (e.g. Tracing: !Ref TracingMode, with its default Disabled, leaves no reference behind).
"$CFN_LINT" --regions "$AWS_DEFAULT_REGION" --ignore-checks W2001 -- "$OUT_DIR/translated.json"

echo "== 3/3 checkov on the translated template"
# Offline (--skip-download: no guideline links or severities from the vendor's platform); prints the
# passed/failed/skipped counts and each failure; exits non-zero on any failure.
(cd "$OUT_DIR" && "$CHECKOV" --file translated.json --framework cloudformation --compact --quiet --skip-download)
echo "template OK: sam validate --lint, cfn-lint and checkov (translated) passed"
