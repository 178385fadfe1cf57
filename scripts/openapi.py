"""Writes openapi.json, the OpenAPI document the routers generate (recordengine/api/openapi.py), at the root
of the repository and beside the openapi function's handler, which serves it as it is (functions/openapi/).

python scripts/openapi.py           # write them (`make openapi`)
python scripts/openapi.py --check   # exit 1 when a committed file is not the generated one (`make lint`)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "common"))
OPENAPI_FILE = ROOT / "openapi.json"
SERVED_FILE = ROOT / "functions" / "openapi" / "openapi.json"
OPENAPI_FILES = (OPENAPI_FILE, SERVED_FILE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare the openapi.json files to the generated document")
    args = parser.parse_args(argv)

    from recordengine.api.openapi import openapi_document, openapi_text

    generated = openapi_text(openapi_document())
    stale = 0
    for path in OPENAPI_FILES:
        name = path.relative_to(ROOT)
        committed = path.read_text(encoding="utf-8") if path.exists() else None
        if committed == generated:
            print(f"{name} is up to date.")
        elif args.check:
            print(
                f"{name} is not the document the routers generate: run `make openapi` and commit it.", file=sys.stderr
            )
            stale += 1
        else:
            path.write_text(generated, encoding="utf-8")
            print(f"wrote {name} ({len(generated.encode())} bytes, {generated.count(chr(10))} lines)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
