"""Check that YAML files parse, with no key given twice in one mapping (the pre-commit hook check-yaml).

PyYAML keeps the last of two equal keys without a word, so a second `data_tests:`
or `columns:` in a dbt yml would silently drop the first one's tests; this says
which file, line and key instead. Usage: python scripts/check_yaml.py FILE.yml ...
"""

from __future__ import annotations

import sys

import yaml


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping holding the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen and key != "<<":
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found the key {key!r} twice (first on line {seen[key] + 1})", key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def main(paths: list[str]) -> int:
    failed = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                for _ in yaml.load_all(handle, Loader=UniqueKeyLoader):
                    pass
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            print(f"{path}: {error}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
