"""Load a ruleset: main file, part files, schema validation, typed model.

A ruleset is a folder holding ``ruleset.yaml`` (or a single ``.yaml`` file). The main file may
list part files under ``include``; their lists (fields, sections, ...) are appended to the main
file's in the order listed. Positions keep pointing at the file each value came from, so a
diagnostic about section 2 points into ``section-2.yaml``.

The model is built only when the schema is satisfied: the schema is the contract, and a
document that passes it must build (a failure there is a bug, reported as such).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Severity
from omi_rules.diagnostics.caps import schema_budget
from omi_rules.diagnostics.codes import make
from omi_rules.model import Ruleset
from omi_rules.model.schema_check import invalid_paths, schema, validate, validate_and_prune
from omi_rules.ruleset.inherit import find_parent, merge_documents, parent_problem
from omi_rules.yamlio.reader import PathKey, SourceMap, YamlDocument, load_yaml

MAIN_FILE = "ruleset.yaml"
LIST_KEYS = (
    "fields",
    "scales",
    "band_sets",
    "sections",
    "judgement_rules",
    "threads",
    "decisions",
    "headlines",
    "rating_scales",
    "overall_ratings",
    "surveys",
)


@dataclass
class Pruned:
    """What was dropped to get past schema errors, so later checks can stay quiet about it."""

    degraded: set[PathKey] = field(default_factory=set)
    """Paths (in the pruned document) of containers that lost an item, or keys recovered."""
    ids: set[str] = field(default_factory=set)
    """Ids (and mapping keys) of the dropped items: references to them are not reported."""


@dataclass
class LoadedRuleset:
    """Everything ``check`` and the engine need from loading."""

    path: Path
    data: dict[str, Any] | None
    source_map: SourceMap
    files: dict[str, list[str]] = field(default_factory=dict)
    """Source lines per file, for printing the offending line under a diagnostic."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: Ruleset | None = None
    unreadable: bool = False
    pruned: Pruned = field(default_factory=Pruned)
    """What had to be dropped to build ``model`` despite schema errors."""
    data_map: SourceMap | None = None
    """Positions of ``data`` as merged, before anything was dropped: ``source_map`` is that of
    the document the model was built from, whose list indices differ once an item is dropped."""
    cached: bool = False
    """True when this came from the cache of checked rulesets (``omi_rules.engine.cache``)."""
    sha256: str | None = None
    """The hash of ``model`` (``omi_rules.engine.compiled.ruleset_hash``) once worked out: the
    cache keeps it with the entry, so a hit need not dump the whole model again to hash it."""

    @property
    def complete(self) -> bool:
        """True when loading found no error: the model is the whole ruleset as written."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def resolve_path(path: Path) -> Path:
    """The main file of a ruleset given as a folder or a file."""
    if path.is_dir():
        main = path / MAIN_FILE
        if not main.exists():
            raise InputUnreadable(
                make(
                    "Y001",
                    f"no {MAIN_FILE} in this folder",
                    Position(str(path)),
                    hint=f"a ruleset folder holds a {MAIN_FILE} main file",
                )
            )
        return main
    return path


def load_ruleset(path: Path, _extending: tuple[Path, ...] = ()) -> LoadedRuleset:
    """Load and validate a ruleset; problems come back as diagnostics, never exceptions.

    A ruleset that ``extends`` another is resolved here (see ``omi_rules.ruleset.inherit``): the
    result is the parent with the child's overlay applied. Unreadable inputs (missing, binary,
    oversized) set ``unreadable`` so the CLI exits with 2.
    """
    result = LoadedRuleset(path=path, data=None, source_map=SourceMap(default=Position(str(path))))
    try:
        main_path = resolve_path(path)
        main = load_yaml(main_path, _display(main_path))
    except InputUnreadable as exc:
        result.diagnostics.append(exc.diagnostic)
        result.unreadable = True
        return result
    result.path = main_path
    result.files[_display(main_path)] = main.lines
    result.diagnostics.extend(main.diagnostics)
    if main.data is None:
        return result
    result.source_map = main.source_map
    extends = main.data.get("extends") if isinstance(main.data, dict) else None
    overlay = isinstance(extends, str)
    main_schema = "ruleset-overlay.schema.json" if overlay else "ruleset.schema.json"
    main_diagnostics, main_bad, stopped = validate_and_prune(main.data, main_schema, main.source_map, schema_budget())
    result.diagnostics.extend(main_diagnostics)
    if stopped:
        result.diagnostics.append(_stopped(main.source_map.value(()), schema_budget()))
    if not isinstance(main.data, dict):
        return result
    merged = dict(main.data)
    found = _merge_parts(main, merged, result, overlay)
    if stopped or any(d.code == "L002" for d in result.diagnostics):
        return result  # not every schema error is known: nothing can be pruned to a model
    # What the schema rejects in the merged ruleset, from the errors just found in the main
    # file and each part (their items keep their place, offset in the merged lists): a part's
    # items are validated once, not again to prune them. A constraint only the whole can break
    # is still found: pruning repeats until the merged ruleset satisfies the schema.
    first_bad = None if overlay else main_bad | found
    if isinstance(extends, str):
        resolved = _resolve_parent(main_path, extends, merged, result, _extending)
        if resolved is None:
            return result
        merged = resolved
        # the overlay's own schema errors are found again in the resolved ruleset: report once
        known = {d.sort_key() for d in result.diagnostics}
        again = validate(merged, "ruleset.schema.json", result.source_map)
        result.diagnostics.extend(d for d in again if d.sort_key() not in known)
    result.data = merged
    result.data_map = result.source_map
    pruned, pruned_map = _prune_to_schema(merged, result.source_map, result.pruned, first_bad)
    if pruned is None:
        return result
    try:
        result.model = Ruleset.model_validate(pruned)
    except ValidationError as exc:  # the schema accepted it: model and schema disagree
        result.diagnostics.append(
            make(
                "S004",
                f"internal: the schema accepted this ruleset but the model did not ({exc.errors()[0]['msg']})",
                Position(_display(main_path), 1, 1),
                hint="please report this as a bug in omi-rules",
            )
        )
        return result
    result.source_map = pruned_map
    return result


def _resolve_parent(
    main_path: Path, reference: str, child: dict[str, Any], result: LoadedRuleset, extending: tuple[Path, ...]
) -> dict[str, Any] | None:
    """Load the parent ``reference`` names and apply the child overlay to it (None: failed)."""
    where = result.source_map.value(("extends",))
    parent_path = find_parent(reference, main_path)
    chain = (*extending, main_path.resolve())
    if parent_path is None or parent_path.resolve() in chain:
        result.diagnostics.append(parent_problem(reference, where, cycle=parent_path is not None))
        return None
    parent = load_ruleset(parent_path, chain)
    result.files.update(parent.files)
    result.diagnostics.extend(parent.diagnostics)
    result.unreadable = result.unreadable or parent.unreadable
    if parent.data is None or not parent.complete:
        return None
    merged, positions, problems = merge_documents(parent.data, parent.source_map, child, result.source_map)
    result.diagnostics.extend(problems)
    result.source_map = positions
    return merged


def _prune_to_schema(
    data: dict[str, Any], source_map: SourceMap, pruned: Pruned, first_bad: set[PathKey] | None = None
) -> tuple[dict[str, Any] | None, SourceMap]:
    """Drop what the schema rejects (already reported) so the rest can be checked for meaning.

    ``first_bad``: the paths to drop first, when the caller knows them from errors it already
    has. Returns None when the document cannot be repaired enough to build a model.
    """
    recovered = False
    for attempt in range(8):
        bad = first_bad if attempt == 0 and first_bad else invalid_paths(data, "ruleset.schema.json")
        if not bad:
            return data, source_map
        if () in bad:  # a top-level key is missing: recover once, as a compiler would
            if recovered:
                return None, source_map
            data, source_map = _recover_top_level(data, source_map, pruned)
            recovered = True
            continue
        smaller, source_map = prune(data, source_map, bad, pruned)
        if not isinstance(smaller, dict):
            return None, source_map
        data = smaller
    return None, source_map


_PLACEHOLDERS: dict[str, Any] = {
    "format_version": 1,
    "id": "unnamed",
    "version": "0.0.0",
    "title": "(missing)",
    "description": "(missing)",
    "effective_from": "2000-01-01",
}


def _recover_top_level(data: dict[str, Any], source_map: SourceMap, pruned: Pruned) -> tuple[dict[str, Any], SourceMap]:
    """Supply missing top-level keys so the rest of the ruleset can still be checked.

    A misspelled key (``effective_form``) is taken as the key it nearly matches; a key that is
    simply absent gets a neutral placeholder. Both problems have already been reported, so
    this only decides how much *else* ``check`` can find in the same run.
    """
    main_schema = schema("ruleset.schema.json")
    known = set(main_schema.get("properties", {}))
    data = dict(data)
    for key in main_schema.get("required", []):
        if key in data:
            continue
        pruned.degraded.add((key,))
        unknown = [k for k in data if k not in known]
        close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
        if close:
            data[key] = data.pop(close[0])
            source_map.rebase((key,), source_map, (close[0],))
            source_map.keys[(key,)] = source_map.key((close[0],))
        elif key == "changelog":
            version = data.get("version") if isinstance(data.get("version"), str) else "0.0.0"
            data[key] = [{"version": version, "date": "2000-01-01", "changes": ["(missing)"]}]
        elif key in _PLACEHOLDERS:
            data[key] = _PLACEHOLDERS[key]
    return data, source_map


def prune(data: Any, source_map: SourceMap, remove: set[PathKey], pruned: Pruned) -> tuple[Any, SourceMap]:
    """A copy of ``data`` without the paths in ``remove``, with positions re-indexed."""
    new_map = SourceMap(default=source_map.default)

    def note(value: Any, name: str | None, container: PathKey) -> None:
        pruned.degraded.add(container)
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            pruned.ids.add(value["id"])
        if name is not None and isinstance(value, dict):
            pruned.ids.add(name)

    def copy(value: Any, old: PathKey, new: PathKey) -> Any:
        if old in source_map.values:
            new_map.values[new] = source_map.values[old]
        if old in source_map.keys:
            new_map.keys[new] = source_map.keys[old]
        if old in source_map.texts:
            new_map.texts[new] = source_map.texts[old]
        if isinstance(value, dict):
            out_map: dict[str, Any] = {}
            for k, v in value.items():
                if old + (k,) in remove:
                    note(v, k, new + (k,))
                else:
                    out_map[k] = copy(v, old + (k,), new + (k,))
            return out_map
        if isinstance(value, list):
            out: list[Any] = []
            for i, item in enumerate(value):
                if old + (i,) in remove:
                    note(item, None, new)
                else:
                    out.append(copy(item, old + (i,), new + (len(out),)))
            return out
        return value

    return copy(data, (), ()), new_map


def _merge_parts(
    main: YamlDocument, merged: dict[str, Any], result: LoadedRuleset, overlay: bool = False
) -> set[PathKey]:
    """Append each included part's lists to ``merged`` (problems go to ``result``). Returns
    the paths, in ``merged``, of the appended items the part's schema rejects."""
    bad: set[PathKey] = set()
    includes = merged.get("include")
    if not isinstance(includes, list):
        return bad
    root = main.path.parent.resolve()
    seen: set[Path] = {main.path.resolve()}
    for index, entry in enumerate(includes):
        if not isinstance(entry, str):
            continue  # the schema has reported it
        where = main.source_map.value(("include", index))
        try:
            part_path = (main.path.parent / entry).resolve()
            is_folder = part_path.is_dir()
        except (OSError, ValueError):  # a NUL character, a name too long (found by tests/fuzz)
            result.diagnostics.append(make("Y012", f"included file {entry!r} cannot be used as a file name", where))
            continue
        if root not in part_path.parents and part_path != root:
            result.diagnostics.append(
                make(
                    "Y012",
                    f"included file '{entry}' is outside the ruleset's folder",
                    where,
                    hint="keep part files in the ruleset's folder or below it",
                )
            )
            continue
        if part_path in seen:
            result.diagnostics.append(make("Y012", f"'{entry}' is included twice", where))
            continue
        seen.add(part_path)
        if is_folder:
            result.diagnostics.append(
                make(
                    "Y012", f"'{entry}' is a folder; include lists files", where, hint="list the part files one by one"
                )
            )
            continue
        try:
            part = load_yaml(part_path, _display(main.path.parent / entry))
        except InputUnreadable as exc:
            diag = exc.diagnostic
            if diag.code == "Y001":
                diag = make("Y012", f"included file '{entry}' not found", where)
            result.diagnostics.append(diag)
            result.unreadable = result.unreadable or exc.diagnostic.code != "Y001"
            continue
        result.files[_display(main.path.parent / entry)] = part.lines
        result.diagnostics.extend(part.diagnostics)
        if part.data is None:
            continue
        schema = "ruleset-part-overlay.schema.json" if overlay else "ruleset-part.schema.json"
        errors, part_bad, stopped = validate_and_prune(part.data, schema, part.source_map, schema_budget())
        result.diagnostics.extend(errors)
        if stopped:
            result.diagnostics.append(_stopped(part.source_map.value(()), schema_budget()))
            continue
        if not isinstance(part.data, dict):
            continue
        part_of, main_id = part.data.get("part_of"), merged.get("id")
        if isinstance(part_of, str) and _valid_id(main_id) and part_of != main_id:
            result.diagnostics.append(
                make(
                    "Y012",
                    f"'{entry}' says it is part of '{part.data.get('part_of')}', not '{merged.get('id')}'",
                    part.source_map.value(("part_of",)),
                )
            )
            continue
        for key in LIST_KEYS:
            items = part.data.get(key)
            if not items or not isinstance(items, list):
                continue  # not a list (e.g. 'sections: 3.14'): the part's schema errors say so (tests/fuzz)
            existing = merged.setdefault(key, [])
            if not isinstance(existing, list):
                continue
            offset = len(existing)
            merged[key] = existing + list(items)
            result.source_map.append_items(key, offset, part.source_map)
            bad.update(
                (key, offset + p[1], *p[2:]) for p in part_bad if len(p) > 1 and p[0] == key and isinstance(p[1], int)
            )
            if key not in data_keys(main):
                result.source_map.keys.setdefault((key,), part.source_map.key((key,)))
                result.source_map.values.setdefault((key,), part.source_map.value((key,)))
    return bad


def _stopped(where: Position, budget: int | None) -> Diagnostic:
    """``L002``: schema validation of a file stopped at its budget (``caps.SCHEMA_BUDGET``)."""
    return make(
        "L002",
        f"schema validation of this file stopped after {budget:,} findings; the rest is not checked",
        Position(where.file),
        hint="fix the findings shown (often one mistake repeated) and check again, or use --all to check it all",
    )


def _valid_id(value: Any) -> bool:
    """Whether a main file's id is usable for the part_of comparison (else S004 said so)."""
    return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9\-]*", value) is not None


def data_keys(doc: YamlDocument) -> set[str]:
    return set(doc.data) if isinstance(doc.data, dict) else set()


def _display(path: Path) -> str:
    """Paths in diagnostics are relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
