"""``omi-rules resolve``: the fully resolved ruleset (parts included, ``extends`` applied), with
where each rule was written, so a reviewer sees exactly what will be scored."""

from __future__ import annotations

import io
import json
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from omi_rules.ruleset.loader import LoadedRuleset
from omi_rules.yamlio.reader import PathKey


def origins(loaded: LoadedRuleset) -> dict[str, str]:
    """JSON pointer of every item with an id -> ``file:line`` where it was written."""
    out: dict[str, str] = {}

    def visit(value: Any, path: PathKey) -> None:
        if isinstance(value, dict):
            if "id" in value and path:
                out["/" + "/".join(str(p) for p in path)] = _where(loaded, path)
            for key, item in value.items():
                visit(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, (*path, index))

    visit(loaded.data, ())
    return out


def _where(loaded: LoadedRuleset, path: PathKey) -> str:
    """Where an item was written, and where any of its values were overridden (another file)."""
    position = loaded.source_map.value(path)
    others: dict[str, int] = {}
    for other_path, other in loaded.source_map.values.items():
        if other_path[: len(path)] == path and other.file != position.file:
            others[other.file] = min(other.line, others.get(other.file, other.line))
    where = f"{position.file}:{position.line}"
    changed = ", ".join(f"{file}:{line}" for file, line in sorted(others.items()))
    return f"{where}; changed in {changed}" if changed else where


def as_json(loaded: LoadedRuleset) -> str:
    return json.dumps({"ruleset": loaded.data, "origins": origins(loaded)}, indent=2, ensure_ascii=False) + "\n"


def as_yaml(loaded: LoadedRuleset) -> str:
    """YAML with a ``# from file:line`` comment on every item that has an id."""

    def build(value: Any, path: PathKey) -> Any:
        if isinstance(value, dict):
            mapping = CommentedMap()
            for key, item in value.items():
                mapping[key] = build(item, (*path, key))
            if "id" in value and path:
                mapping.yaml_add_eol_comment(f"from {_where(loaded, path)}", "id")
            return mapping
        if isinstance(value, list):
            return CommentedSeq(build(item, (*path, i)) for i, item in enumerate(value))
        return value

    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    buffer.write("# Resolved ruleset: parts and inherited rules included; each item says where it was written.\n")
    yaml.dump(build(loaded.data, ()), buffer)
    return buffer.getvalue()
