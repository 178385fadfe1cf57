"""What `make run` prints is what the README's examples use: paste the export line, then any example works."""

from __future__ import annotations

import re
from pathlib import Path

from local.stack import DATA_IS_IN_MEMORY, export_line

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "README.md").read_text(encoding="utf-8")
# Set by the shell itself, never by the reader.
SHELL_VARIABLES = {"HOME", "PATH", "PWD"}


def _code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def _exported_names(line: str) -> set[str]:
    assert line.startswith("export ")
    return {assignment.split("=", 1)[0] for assignment in line.split()[1:]}


def test_the_export_line_sets_the_variables_the_test_suites_read() -> None:
    line = export_line("http://127.0.0.1:3000", "re_0123456789ab_secret")
    assert line == "export RECORDENGINE_URL=http://127.0.0.1:3000 RECORDENGINE_TOKEN=re_0123456789ab_secret"
    assert export_line("http://127.0.0.1:3000", None) == "export RECORDENGINE_URL=http://127.0.0.1:3000"


def test_every_variable_in_the_readmes_shell_examples_is_exported_by_make_run_or_set_there() -> None:
    exported = _exported_names(export_line("http://127.0.0.1:3000", "re_0123456789ab_secret"))
    shell = "\n".join(_code_blocks("bash"))
    assigned = set(re.findall(r"^(?:export )?([A-Za-z_][A-Za-z0-9_]*)=", shell, flags=re.MULTILINE))
    used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", shell))
    assert used, "the README has shell examples"
    assert used - exported - assigned - SHELL_VARIABLES == set()
    # The README's own export lines are the ones make run prints.
    for line in re.findall(r"^export .*$", shell, flags=re.MULTILINE):
        assert _exported_names(line.split("#")[0].strip()) == exported


def test_the_readmes_python_example_reads_the_exported_variables() -> None:
    exported = _exported_names(export_line("http://127.0.0.1:3000", "re_0123456789ab_secret"))
    read = set(re.findall(r"os\.environ\[\"([A-Z_]+)\"\]", "\n".join(_code_blocks("python"))))
    assert read
    assert read <= exported


def test_the_readme_says_local_data_is_lost_on_stop_as_the_banner_does() -> None:
    assert DATA_IS_IN_MEMORY in README
    assert "loses everything" in README
