"""Writes openapi.json, the OpenAPI document the routers generate (recordengine/api/openapi.py).

python scripts/openapi.py           # write it (`make openapi`)
python scripts/openapi.py --check   # exit 1 when the committed file is not the generated one (`make lint`)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "common"))
OPENAPI_FILE = ROOT / "openapi.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare openapi.json to the generated document")
    args = parser.parse_args(argv)

    from recordengine.api.openapi import openapi_document, openapi_text

    generated = openapi_text(openapi_document())
    committed = OPENAPI_FILE.read_text(encoding="utf-8") if OPENAPI_FILE.exists() else None
    if args.check:
        if committed != generated:
            print(
                f"{OPENAPI_FILE.name} is not the document the routers generate: run `make openapi` and commit it.",
                file=sys.stderr,
            )
            return 1
        print(f"{OPENAPI_FILE.name} is up to date.")
        return 0
    if committed == generated:
        print(f"{OPENAPI_FILE.name} is up to date.")
    else:
        OPENAPI_FILE.write_text(generated, encoding="utf-8")
        print(f"wrote {OPENAPI_FILE.name} ({len(generated.encode())} bytes, {generated.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
