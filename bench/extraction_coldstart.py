"""Cold start of the extraction function against the bare OCR library's, a fresh CPython 3.12 per sample.

The extraction function's cold start is the import of functions/extract_document/app.py's module chain
plus the extraction of a first document; the reference is a process that imports tesserocr and PIL,
creates `PyTessBaseAPI(path=<tessdata>, lang="eng")` and runs `SetImage` + `GetUTF8Text` on the same
image. See bench/extraction_worker.py for what each process does before and under the timer.

- Python: CPython 3.12 (Lambda's runtime) found as scripts/sam_build.sh finds it; every sample is a fresh
  `python3.12 -B -s` process. The figure is CPU time (all threads), medians over interleaved rounds
  (reference, function, reference, ...), so drift touches both alike; wall time is shown beside it.
- Code: the layers are built by their own Makefiles for this machine (PIP_LAMBDA_FLAGS emptied: this
  machine's wheels for CPython 3.12 instead of Lambda's arm64 ones), into a temporary directory, with the
  same clean-up and precompiled .pyc as `sam build`; boto3, which the Lambda runtime provides, is
  installed beside them at the version of this virtual environment's.
- The document: a narrow receipt PNG drawn here with Pillow (a few lines, a right-hand price column), in
  the temporary directory; never a file of ../shared/corpus.

Until the OCR engine can read images, extract_document raises UnreadableDocument; the report says so
and gives no ratio for a document that was never read.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coldstart import Runs
from .layers import build_with_makefile, child_env, find_python312, install_runtime, python_version, run_worker
from .stack import AWS_ENV, AWS_ENV_DROPPED, ROOT, load_template, stack_spec

FUNCTION_ID = "ExtractDocumentFunction"
MEDIA_TYPE = "image/png"
WORKER_TIMEOUT_SECONDS = 180
RECEIPT_TOTAL = "11.52"
RECEIPT_LINES: tuple[tuple[str, str | None], ...] = (
    ("CORNER CAFE", None),
    ("12 Market Street, Leeds", None),
    ("Date: 14/11/2025 10:42", None),
    ("Receipt No: 004512", None),
    ("", None),
    ("Flat white", "3.80"),
    ("Croissant", "2.60"),
    ("Orange juice", "3.20"),
    ("", None),
    ("Subtotal", "9.60"),
    ("VAT 20%", "1.92"),
    ("TOTAL", RECEIPT_TOTAL),
    ("Card", RECEIPT_TOTAL),
    ("", None),
    ("Thank you!", None),
)


def make_receipt(path: Path, width: int = 420, font_size: int = 22) -> str:
    """Draws a narrow receipt PNG at path; returns a description of the font used."""
    from PIL import Image, ImageDraw, ImageFont

    font: Any
    try:
        font = ImageFont.load_default(size=font_size)  # Pillow >= 10.1 with FreeType: a TrueType font
        described = f"Pillow's default TrueType font, {font_size} px"
    except (TypeError, AttributeError, OSError):
        font = ImageFont.load_default()
        described = "Pillow's default bitmap font"
    margin, line_height = 20, int(font_size * 1.6)
    image = Image.new("L", (width, margin * 2 + line_height * len(RECEIPT_LINES)), 255)
    draw = ImageDraw.Draw(image)
    for number, (left, price) in enumerate(RECEIPT_LINES):
        top = margin + number * line_height
        draw.text((margin, top), left, font=font, fill=0)
        if price is not None:
            draw.text((width - margin - draw.textlength(price, font=font), top), price, font=font, fill=0)
    image.save(path, format="PNG")
    return f"{width}x{image.height} px, {described}"


@dataclass
class Target(Runs):
    name: str = field(kw_only=True)
    kind: str = field(kw_only=True)  # "reference" or "function"
    sys_path: list[str] = field(kw_only=True)


class Runner:
    def __init__(self, python: Path, image: Path, tessdata: Path, env: dict[str, str]) -> None:
        self.python, self.image, self.tessdata, self.env = python, image, tessdata, env

    def run(self, target: Target) -> dict[str, Any]:
        command = [
            str(self.python),
            "-B",
            "-s",
            "-m",
            "bench.extraction_worker",
            target.kind,
            str(self.image),
            MEDIA_TYPE,
            str(self.tessdata),
            os.pathsep.join(target.sys_path),
        ]
        return run_worker(command, self.env, WORKER_TIMEOUT_SECONDS)


def _function_env(python_env: dict[str, str]) -> dict[str, str]:
    """The environment of the extraction function (Globals and its own variables) with fake AWS credentials."""
    template = load_template()
    env = dict(python_env)
    for name in AWS_ENV_DROPPED:
        env.pop(name, None)
    env.update(AWS_ENV)
    env.update(stack_spec(template).env)
    own = template["Resources"][FUNCTION_ID]["Properties"].get("Environment", {}).get("Variables", {})
    parameters = template.get("Parameters", {})
    for name, value in own.items():
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
            env[name] = str(parameters[value["Ref"]]["Default"])
        elif isinstance(value, str | int | float):
            env[name] = str(value)
    return env


def _header(samples: int, version: str) -> list[str]:
    return [
        f"== Extraction function cold start: import + first document, fresh CPython {version} process per "
        f"sample, median of {samples} (CPU time)",
    ]


def _outcome(run: dict[str, Any]) -> str:
    if run.get("outcome") == "unreadable":
        return f"NOT READ: UnreadableDocument: {run.get('reason')}"
    if "text" in run:
        text = str(run["text"])
        found = "with" if RECEIPT_TOTAL in text else "WITHOUT"
        excerpt = " | ".join(line for line in text.splitlines() if line.strip())
        return f"read {len(text)} characters, {found} the total {RECEIPT_TOTAL}: {excerpt[:100]!r}..."
    fields = run.get("fields") or {}
    shown = ", ".join(f"{name}={value}" for name, value in fields.items())
    return f"read: {shown or 'no fields'}; confidence {run.get('confidence')}"


def report(samples: int) -> list[str]:
    started = time.monotonic()
    python = find_python312()
    if python is None:
        return [*_header(samples, "3.12"), "   skipped: no CPython 3.12 (PYTHON312_BIN_DIR, pyenv or python3.12)"]
    lines = _header(samples, python_version(python))
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as tmp:
        workdir = Path(tmp)
        common, why = build_with_makefile("CommonLayer", workdir / "common", python, for_lambda=False)
        if common is None:
            return [*lines, f"   skipped: {why}"]
        extraction, why = build_with_makefile("ExtractionLayer", workdir / "extraction", python, for_lambda=False)
        if extraction is None:
            return [*lines, f"   skipped: {why}"]
        runtime, boto3_requirement = install_runtime(python, workdir / "runtime")
        if runtime is None:
            return [*lines, f"   skipped: {boto3_requirement}"]
        image = workdir / "receipt.png"
        drawn = make_receipt(image)
        tessdata = extraction / "share" / "tessdata"
        code_dir = ROOT / "functions" / "extract_document"
        targets = [
            Target(name="(reference) tesserocr", kind="reference", sys_path=[str(extraction)]),
            Target(
                name="extract_document",
                kind="function",
                sys_path=[str(code_dir), str(common), str(extraction), str(runtime)],
            ),
        ]
        runner = Runner(python, image, tessdata, _function_env(child_env()))
        for target in targets:  # untimed: checks each target runs, and warms the file cache
            try:
                runner.run(target)
            except RuntimeError as error:
                target.error = str(error)
        for _ in range(samples):
            for target in targets:
                if target.error is None:
                    try:
                        target.runs.append(runner.run(target))
                    except RuntimeError as error:
                        target.error = str(error)
    # The interpreter runs here: its machine is this process's.
    machine = platform.machine() or "this machine"
    lines += [
        f"   layers built for {machine} by layers/*/Makefile (PIP_LAMBDA_FLAGS emptied), precompiled as for Lambda;",
        f"   {boto3_requirement} beside them (the Lambda runtime's). First document: a receipt PNG drawn by the bench"
        f" ({drawn}).",
        '   reference = import tesserocr + PIL, PyTessBaseAPI(path=<layer>/share/tessdata, lang="eng"), SetImage +'
        " GetUTF8Text on the same image",
        f"   {'target':<24}{'import':>8}{'document':>10}{'total':>8}{'wall':>8}{'spread':>8}{'ratio':>7}",
    ]
    reference = targets[0]
    ref_total = reference.median("total_cpu_ms") if reference.error is None and reference.runs else None
    notes = []
    for target in targets:
        if target.error is not None or not target.runs:
            lines.append(f"   {target.name:<24}FAILED: {(target.error or 'no samples')[:300]}")
            continue
        total = target.median("total_cpu_ms")
        last = target.runs[-1]
        unread = last.get("outcome") == "unreadable"
        ratio = "-" if ref_total is None or unread else f"{total / ref_total:.2f}"
        lines.append(
            f"   {target.name:<24}{target.median('import_cpu_ms'):>8.0f}{target.median('document_cpu_ms'):>10.0f}"
            f"{total:>8.0f}{target.median('total_wall_ms'):>8.0f}{target.spread('total_cpu_ms'):>7.0f}%{ratio:>7}"
        )
        notes.append(f"   {target.name}: {_outcome(last)}")
        if unread and ref_total is not None:
            notes.append(
                f"   no ratio for extract_document: it did not read the document, so OCR never ran (its import "
                f"alone: {target.median('import_cpu_ms'):.0f} ms CPU, "
                f"{target.median('import_cpu_ms') / ref_total:.2f}x the reference's whole first document)"
            )
    lines += notes
    lines += [
        "   ms of CPU (all threads), medians; import = the module chain, document = the first extraction (OCR engine"
        " made there);",
        "   wall = total wall time; spread = (max-min)/median of total; ratio = total / the reference's total.",
        f"   {len(targets) * (samples + 1)} processes, rounds interleaved, in {time.monotonic() - started:.0f} s"
        " (including building the layers).",
    ]
    return lines
