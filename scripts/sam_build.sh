#!/usr/bin/env bash
# `sam build` without Docker. SAM needs a python matching the runtime (python3.12) on PATH, and the
# layers' Makefiles (CommonLayer, ExtractionLayer) run python3.12 too. The pyenv shim is not enough, so
# when pyenv is there its newest 3.12.x bin directory goes first on PATH (or set PYTHON312_BIN_DIR). Extra
# arguments go to `sam build` (samconfig.toml adds --cached --parallel). Output: .aws-sam/build/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -x .venv-tools/bin/sam ]]; then SAM="$ROOT/.venv-tools/bin/sam"; else SAM="$(command -v sam)" || {
  echo "sam not found (.venv-tools/bin or PATH)" >&2; exit 1; }; fi

py312_dir="${PYTHON312_BIN_DIR:-}"
if [[ -z "$py312_dir" ]] && command -v pyenv >/dev/null 2>&1; then
  newest="$(ls -d "$(pyenv root)"/versions/3.12.*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$newest" && -x "$newest/python3.12" ]] && py312_dir="$newest"
fi
[[ -n "$py312_dir" ]] && export PATH="$py312_dir:$PATH"

if ! python3.12 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
  echo "python3.12 is not on PATH: install CPython 3.12 (e.g. pyenv install 3.12) or set PYTHON312_BIN_DIR" >&2
  exit 1
fi
echo "using $(command -v python3.12) ($(python3.12 -V 2>&1))"

export SAM_CLI_TELEMETRY=0
"$SAM" build "$@"
