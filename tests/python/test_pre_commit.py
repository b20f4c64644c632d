"""The pre-commit hooks (.pre-commit-config.yaml): local, with tools that exist, and passing on the repository.

The sqlfluff hook is not run here (it compiles the dbt project; `make lint` is the
same check on every file); the fast hooks are, on every file, when pre-commit is
installed (the dev dependencies in requirements.lock install it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dbt_project import PROJECT_DIR

CONFIG = PROJECT_DIR / ".pre-commit-config.yaml"
VENV_BIN = ".venv/bin/"


def hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def pre_commit() -> str:
    beside = Path(sys.executable).parent / "pre-commit"
    found = str(beside) if beside.is_file() else shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (the dev dependencies of requirements.lock install it)")
    return found


def test_every_hook_is_local_so_nothing_is_downloaded() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["language"] for hook in hooks().values()} <= {"system", "pygrep"}
    assert {"sqlfluff-lint", "check-yaml", "trailing-whitespace", "end-of-file-newline"} <= set(hooks())


def test_each_system_hook_runs_a_command_and_files_that_exist() -> None:
    for hook_id, hook in hooks().items():
        if hook["language"] != "system":
            continue
        words = shlex.split(hook["entry"])
        command = words[0]
        # .venv/bin/<tool>: the tool of the environment these tests run in (make creates .venv)
        path = Path(sys.executable).parent / command[len(VENV_BIN):] if command.startswith(VENV_BIN) else PROJECT_DIR / command
        assert path.is_file() and os.access(path, os.X_OK), (hook_id, command)
        for word in words[1:]:
            if "/" in word:
                assert (PROJECT_DIR / word).is_file(), (hook_id, word)


def test_the_sqlfluff_hook_runs_make_lints_script_on_the_sql_make_lint_lints() -> None:
    hook = hooks()["sqlfluff-lint"]
    assert hook["entry"] == "scripts/lint_sql.sh"
    assert "scripts/lint_sql.sh" in (PROJECT_DIR / "Makefile").read_text()
    files = re.compile(hook["files"])
    assert files.search("models/marts/core/orders.sql")
    assert files.search("models/staging/shopsmart/stg_shopsmart__orders.sql")
    assert files.search("analyses/website_funnel.sql")
    assert not files.search("macros/cross_db/safe_cast.sql")
    assert not files.search("models/marts/core/_core__models.yml")


def pygrep_flags(hook: dict, text: str) -> bool:
    """Whether the pygrep hook reports `text`, as pre-commit's pygrep matches it."""
    pattern = re.compile(hook["entry"].encode(), re.MULTILINE if "--multiline" in hook.get("args", []) else 0)
    data = text.encode()
    if "--multiline" in hook.get("args", []):
        return pattern.search(data) is not None
    return any(pattern.search(line) for line in data.splitlines(keepends=True))


@pytest.mark.parametrize(
    ("hook_id", "bad", "good"),
    [
        ("trailing-whitespace", "select 1 \nfrom t\n", "select 1\nfrom t\n"),
        ("trailing-whitespace", "a: 1\t\n", "a: 1\n"),
        ("end-of-file-newline", "select 1", "select 1\n"),
        ("end-of-file-newline", "select 1\n\n", "select 1\n"),
        ("no-merge-conflict-markers", "a\n<<<<<<< HEAD\nb\n", "a\n<<< not a marker\n"),
    ],
)
def test_the_regular_expression_hooks_tell_bad_text_from_good(hook_id: str, bad: str, good: str) -> None:
    hook = hooks()[hook_id]
    assert pygrep_flags(hook, bad)
    assert not pygrep_flags(hook, good)


def test_check_yaml_refuses_a_key_given_twice(tmp_path: Path) -> None:
    good, twice = tmp_path / "good.yml", tmp_path / "twice.yml"
    good.write_text("models:\n  - name: a\n    columns: []\n")
    twice.write_text("models:\n  - name: a\n    data_tests: []\n    data_tests: [unique]\n")
    script = PROJECT_DIR / "scripts" / "check_yaml.py"
    ok = subprocess.run([sys.executable, str(script), str(good)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    refused = subprocess.run([sys.executable, str(script), str(twice)], capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "twice.yml" in refused.stdout and "'data_tests' twice" in refused.stdout


def test_pre_commit_is_pinned_in_the_dev_dependencies_and_the_lock() -> None:
    pyproject = (PROJECT_DIR / "pyproject.toml").read_text()
    (pin,) = re.findall(r'"pre-commit==([^"]+)"', pyproject)
    lock = (PROJECT_DIR / "requirements.lock").read_text().splitlines()
    assert f"pre_commit=={pin}" in lock


def test_the_config_validates_and_the_fast_hooks_pass_on_every_file(tmp_path: Path) -> None:
    command = pre_commit()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "SKIP": "sqlfluff-lint"}
    validated = subprocess.run(
        [command, "validate-config", str(CONFIG)], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    if not (PROJECT_DIR / ".venv" / "bin" / "python").exists():
        pytest.skip("the hooks run .venv/bin/python, and this checkout has no .venv")
    completed = subprocess.run(
        [command, "run", "--all-files"], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "sqlfluff lint (as make lint)" in completed.stdout and "Skipped" in completed.stdout
