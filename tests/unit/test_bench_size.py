"""python -m bench size without a sam build: the layers built by their own Makefiles, the extraction function's
whole size given against its 150 MiB target."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import size

MB = 1024 * 1024


def _fill(directory: Path, megabytes: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "payload.bin").write_bytes(b"\0" * (megabytes * MB))


def test_without_a_sam_build_the_layers_are_built_by_their_makefiles(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built: list[str] = []

    def build_with_makefile(name: str, layer: Path, python: Path, **options: object) -> tuple[Path | None, str]:
        built.append(name)
        _fill(layer / "python", {"CommonLayer": 10, "ExtractionLayer": 80}[name])
        (layer / "python" / "share" / "tessdata").mkdir(parents=True)
        (layer / "python" / "share" / "tessdata" / "deu.traineddata").write_bytes(b"")
        return layer / "python", ""

    function = tmp_path / "extract_document"
    _fill(function, 1)
    monkeypatch.delenv("BENCH_BUILD", raising=False)
    monkeypatch.setattr(size, "BUILD_ROOT", tmp_path / "no-build")
    monkeypatch.setattr(size, "EXTRACTION_FUNCTION_SOURCE", function)
    monkeypatch.setattr(size, "find_python312", lambda: Path("python3.12"))
    monkeypatch.setattr(size, "build_with_makefile", build_with_makefile)
    monkeypatch.setattr(size, "install_reference", lambda workdir: (None, "offline"))
    monkeypatch.setattr(size, "build_ocr_reference", lambda workdir: (None, "offline"))

    text = "\n".join(size.report())

    assert built == ["CommonLayer", "ExtractionLayer"]
    assert "built now by its Makefile" in text
    assert "trained data in python/share/tessdata: deu.traineddata" in text
    assert "extraction function, code + CommonLayer + ExtractionLayer: 91.0 MiB unzipped" in text
    assert f"({91 / 150:.0%} of the 150 MiB target, {91 / 250:.0%} of Lambda's 250 MiB)" in text


def test_without_python_3_12_the_report_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BENCH_BUILD", raising=False)
    monkeypatch.setattr(size, "BUILD_ROOT", tmp_path / "no-build")
    monkeypatch.setattr(size, "find_python312", lambda: None)
    text = "\n".join(size.report())
    assert "skipped: no CommonLayer (no CPython 3.12 found" in text
