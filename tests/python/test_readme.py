"""What a user reads sends them only to files they have: the repository and public downloads."""

from __future__ import annotations

from pathlib import Path

from dbt_project import PROJECT_DIR

# the data beside the repository is for its tests and benchmarks only
TEST_DATA = "../shared"
USER_FACING = ["README.md", "CHANGELOG.md", "dbt_project.yml", "profiles.yml", "Makefile"]


def user_facing_files() -> list[Path]:
    files = [PROJECT_DIR / name for name in USER_FACING]
    for folder in ("models", "macros", "src/shopsmart"):
        files += [p for p in (PROJECT_DIR / folder).rglob("*") if p.suffix in {".sql", ".yml", ".md", ".py"}]
    return files


def test_no_user_facing_file_names_the_test_data() -> None:
    files = user_facing_files()
    assert len(files) > 100
    assert [str(p.relative_to(PROJECT_DIR)) for p in files if TEST_DATA in p.read_text()] == []


def test_the_readme_says_where_to_download_the_uci_file() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    assert "https://archive.ics.uci.edu/dataset/352/online+retail" in readme
    assert 'shopsmart-convert-online-retail "Online Retail.xlsx"' in readme
