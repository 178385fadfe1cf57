"""Package size: the built CommonLayer against aws-lambda-powertools alone, installed for the same platform.

The layer is `.aws-sam/build/CommonLayer` as built by `sam build`; with BENCH_BUILD=1 it is built afresh
with scripts/sam_build.sh into a temporary directory instead (the work tree's .aws-sam is left alone).
The reference is Powertools at the version range of layers/common/requirements.txt, pip-installed without
dependencies for Lambda's platform (arm64, CPython 3.12), with pip's default compile to .pyc (the layer
ships .pyc too).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .stack import ROOT

LAYER_BUILD_DIR = ROOT / ".aws-sam" / "build" / "CommonLayer"
REQUIREMENTS = ROOT / "layers" / "common" / "requirements.txt"
BUILD_SCRIPT = ROOT / "scripts" / "sam_build.sh"
PIP_PLATFORM_FLAGS = ("--platform", "manylinux2014_aarch64", "--only-binary=:all:", "--python-version", "3.12")
BUILD_TIMEOUT_SECONDS = 600
PIP_TIMEOUT_SECONDS = 300
MB = 1024 * 1024


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def zipped_size(root: Path, workdir: Path) -> int:
    archive = workdir / "layer.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(root).as_posix())
    return archive.stat().st_size


def largest_packages(site: Path, count: int = 5) -> list[tuple[str, int]]:
    sizes: dict[str, int] = {}
    for entry in site.iterdir():
        if entry.name.endswith((".dist-info", ".egg-info")):
            continue
        name = entry.name.split(".", 1)[0] if entry.is_file() else entry.name
        sizes[name] = sizes.get(name, 0) + (tree_size(entry) if entry.is_dir() else entry.stat().st_size)
    return sorted(sizes.items(), key=lambda item: -item[1])[:count]


def powertools_requirement() -> str:
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if re.match(r"aws-lambda-powertools\b", requirement):
            return requirement
    return "aws-lambda-powertools"


def build_layer(workdir: Path) -> tuple[Path | None, str]:
    """Builds CommonLayer into workdir; (its directory, "") or (None, why not)."""
    if not BUILD_SCRIPT.exists():
        return None, f"{BUILD_SCRIPT.relative_to(ROOT)} does not exist"
    bash = shutil.which("bash")
    if bash is None:
        return None, "bash is not on PATH"
    build_dir = workdir / "build"
    try:
        process = subprocess.run(  # noqa: S603 - the project's own build script
            [bash, str(BUILD_SCRIPT), "CommonLayer", "--build-dir", str(build_dir),
             "--cache-dir", str(workdir / "cache")],
            cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"sam build took over {BUILD_TIMEOUT_SECONDS} s"
    if process.returncode != 0:
        tail = " | ".join((process.stderr or process.stdout).strip().splitlines()[-2:])
        return None, f"sam build failed: {tail}"
    layer = build_dir / "CommonLayer"
    return (layer, "") if layer.is_dir() else (None, "sam build made no CommonLayer directory")


def install_reference(workdir: Path) -> tuple[Path | None, str]:
    target = workdir / "powertools"
    requirement = powertools_requirement()
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
               *PIP_PLATFORM_FLAGS, "--target", str(target), requirement]
    try:
        process = subprocess.run(  # noqa: S603 - pip of this interpreter
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"pip install {requirement} took over {PIP_TIMEOUT_SECONDS} s"
    if process.returncode != 0:
        tail = " | ".join((process.stderr or process.stdout).strip().splitlines()[-2:])
        return None, f"pip install {requirement} failed: {tail}"
    shutil.rmtree(target / "bin", ignore_errors=True)
    return target, ""


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def report() -> list[str]:
    header = "== Package size: CommonLayer vs aws-lambda-powertools alone (arm64, CPython 3.12)"
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        workdir = Path(tmp)
        if os.environ.get("BENCH_BUILD") == "1":
            layer, why = build_layer(workdir)
            source = "built now by scripts/sam_build.sh (BENCH_BUILD=1)"
        elif LAYER_BUILD_DIR.is_dir():
            layer, why = LAYER_BUILD_DIR, ""
            source = ".aws-sam/build/CommonLayer"
        else:
            layer, why = None, "no .aws-sam/build/CommonLayer (run the build first, or BENCH_BUILD=1)"
            source = ""
        if layer is None:
            return [header, f"   skipped: {why}"]
        unzipped = tree_size(layer)
        zipped = zipped_size(layer, workdir)
        site = layer / "python"
        biggest = largest_packages(site) if site.is_dir() else []
        reference, why = install_reference(workdir)
        lines = [
            header,
            f"   layer ({source}): {_mb(unzipped)} unzipped, {_mb(zipped)} zipped (deflate)",
        ]
        if biggest:
            lines.append("   largest in the layer: " + ", ".join(f"{name} {_mb(size)}" for name, size in biggest))
        if reference is None:
            lines.append(f"   reference skipped: {why}")
            return lines
        reference_size = tree_size(reference)
        lines.append(
            f"   reference ({powertools_requirement()}, --no-deps): {_mb(reference_size)} unzipped"
        )
        lines.append(f"   ratio layer/reference (unzipped): {unzipped / reference_size:.2f}")
        return lines
