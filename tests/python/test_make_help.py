"""`make help` lists every documented Makefile target with its description."""

from __future__ import annotations

import re
import subprocess

from dbt_project import PROJECT_DIR

DOCUMENTED = re.compile(r"^## ([a-z-]+): (.+)$", re.MULTILINE)


def test_make_help_lists_every_documented_target() -> None:
    documented = DOCUMENTED.findall((PROJECT_DIR / "Makefile").read_text())
    assert len(documented) > 10, documented
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(shown) == len(documented), shown
    for line, (target, first_line) in zip(shown, documented):
        name, text = line.split(maxsplit=1)
        assert name == target
        assert text.startswith(first_line), (target, line)
