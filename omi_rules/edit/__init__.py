"""Change values in ruleset files from a script or the command line, keeping everything else.

Rulesets are commented YAML kept by methodology staff: the comments say why a rule is as it is,
keys follow the order of the report, quotes and folded paragraphs are chosen for reading. A
script that loads YAML, changes a number and dumps it would throw all of that away. This module
edits through ruamel.yaml's round-trip mode and writes back only the lines that the edit
changed (``omi_rules.yamlio.roundtrip``, ``omi_rules.yamlio.splice``), then reads the result back to prove
that the file now holds exactly the old data with the new value (``YamlFile.render``, in
``omi_rules.edit.files``).

Values are addressed by readable paths: mapping keys by name, and list items by their ``id``
(``band_sets/conclusion/bands/good/min``, ``sections/1/criteria/1.1/weights/summary``); items of
a list without ids by their index from 0 (``fields/roh/values/2``); ``-`` as the last step
is a new item at the end of a list (``fields/roh/values/-``). A ``/`` or ``~`` inside a key is
written ``~1`` or ``~0``, as in JSON Pointer.

- ``YamlFile`` is one file (a main file or a part file): ``get``, ``set``, ``delete``,
  ``undo``, ``diff`` and an atomic ``save``.
- ``RulesetEditor`` is a whole ruleset (a folder or a main file). It asks the loader's source
  map which file holds the addressed value (a part file, or the main file), edits that file,
  and can ``check`` the edited ruleset in memory before anything is written.

Every mistake a user can make (an unknown path, a value that is not YAML, a path into a
number, a file that cannot be read or written) is an ``EditError`` carrying located
diagnostics (codes ``E001``-``E006``, documented in docs/diagnostics.md), never a traceback.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omi_rules.diagnostics import Diagnostic, Position, Report, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.edit.files import Change, YamlFile
from omi_rules.edit.paths import EditError, Target, format_path, locator, parse_path, parse_value, resolve
from omi_rules.plugins.manager import Registry
from omi_rules.ruleset.loader import LIST_KEYS, LoadedRuleset, load_ruleset
from omi_rules.yamlio.reader import text_overrides

__all__ = [
    "Change",
    "EditError",
    "RulesetEditor",
    "YamlFile",
    "format_path",
    "new_problems",
    "parse_path",
    "parse_value",
]


class RulesetEditor:
    """A whole ruleset opened for editing: paths address the resolved ruleset (part files
    included), and each edit goes to the file that holds the value."""

    def __init__(self, ruleset: Path) -> None:
        self.ruleset = ruleset
        self.changes: list[Change] = []
        self._files: dict[Path, YamlFile] = {}
        self._loaded = self._load()

    def _load(self) -> LoadedRuleset:
        """Load with the edited texts in place of the files, so paths see earlier edits."""
        with text_overrides(self._texts()):
            loaded = load_ruleset(self.ruleset)
        if loaded.data is None:
            errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR] or loaded.diagnostics
            raise EditError(errors, loaded.files, loaded.unreadable)
        # `include` is never inherited: the resolved ruleset's list is the main file's own.
        main, includes = loaded.path.resolve(), loaded.data.get("include")
        entries = [entry for entry in includes if isinstance(entry, str)] if isinstance(includes, list) else []
        self._own = {main} | {(main.parent / entry).resolve() for entry in entries}
        return loaded

    def _texts(self) -> dict[Path, str]:
        return {path: file.text() for path, file in self._files.items() if file.changed}

    @property
    def files(self) -> dict[str, list[str]]:
        """Source lines per file, for printing diagnostics (edited files as edited)."""
        out = dict(self._loaded.files)
        out.update({file.display: file.text().splitlines() for file in self._files.values() if file.changed})
        return out

    def _file(self, display: str) -> YamlFile:
        path = Path(display).resolve()
        if path not in self._files:
            self._files[path] = YamlFile(Path(display), display)
        return self._files[path]

    def _locate(self, path: str | Sequence[str], new_key: bool = False) -> tuple[Target, Position]:
        loaded = self._loaded
        source_map = loaded.data_map or loaded.source_map
        target = resolve(loaded.data, parse_path(path), locator(source_map), new_key)
        anchor = target.concrete if target.exists else target.concrete[:-1]
        position = source_map.value(anchor)
        return target, position

    def get(self, path: str | Sequence[str]) -> Any:
        """The value at ``path`` in the resolved ruleset (parts and ``extends`` applied)."""
        return copy.deepcopy(self._locate(path)[0].value)

    def where(self, path: str | Sequence[str]) -> Position:
        """Where the value at ``path`` is written (the main file, a part file or a parent's)."""
        return self._locate(path)[1]

    def _editable(self, path: str | Sequence[str], new_key: bool) -> YamlFile:
        """The file an edit of ``path`` goes to; ``E004`` if it is not one of this ruleset's."""
        target, position = self._locate(path, new_key)
        anchor = target.concrete if target.exists else target.concrete[:-1]
        shown = format_path(target.steps)
        if not target.exists and isinstance(target.concrete[-1], int) and target.concrete[-1]:
            # an appended item goes to the file of the last item, so it comes last in the
            # ruleset too (sections of a ruleset are spread over its part files)
            positions = self._loaded.data_map or self._loaded.source_map
            position = positions.value((*anchor, target.concrete[-1] - 1))
        if Path(position.file).resolve() not in self._own:
            parent = self._loaded.data.get("extends") if self._loaded.data else None
            message = f"'{shown}' is written in the ruleset this one extends ('{parent}'), not in this one"
            hint = (
                f"to change it for this ruleset only, override it in {self._loaded.path} (see 'extends' in the "
                "ruleset reference); to change it everywhere, set it in the ruleset it comes from"
            )
            raise EditError([make("E004", message, position, hint=hint)], self.files)
        if len(anchor) == 1 and anchor[0] in LIST_KEYS and isinstance(target.value, list):
            positions = self._loaded.data_map or self._loaded.source_map
            places = {positions.value((anchor[0], i)).file for i in range(len(target.value))}
            if len(places) > 1:
                message = f"'{shown}' is spread over {len(places)} files ({', '.join(sorted(places))})"
                hint = f"change one item at a time, e.g. {shown}/<id>/..."
                raise EditError([make("E004", message, positions.key(anchor), hint=hint)], self.files)
        return self._file(position.file)

    def set(self, path: str | Sequence[str], value: Any) -> Change:
        """Set the value at ``path`` in the file that holds it (see ``YamlFile.set``)."""
        change = self._editable(path, new_key=True).set(path, value)
        return self._changed(change)

    def delete(self, path: str | Sequence[str]) -> Change:
        """Remove the key or list item at ``path`` from the file that holds it."""
        return self._changed(self._editable(path, new_key=False).delete(path))

    def _changed(self, change: Change) -> Change:
        self.changes.append(change)
        self._loaded = self._load()
        return change

    def edited_files(self) -> list[YamlFile]:
        return [file for file in self._files.values() if file.changed]

    def check(self, registry: Registry | None = None, edited: bool = True) -> tuple[Report, dict[str, list[str]]]:
        """``omi-rules check`` on the ruleset as edited (or, ``edited=False``, as on disk),
        without writing anything; and the source lines for printing its diagnostics."""
        from omi_rules.checks import check_ruleset  # the checks are only needed here

        report = Report()
        with text_overrides(self._texts() if edited else {}):
            loaded = check_ruleset(self.ruleset, report, registry)
        return report, loaded.files

    def diff(self) -> str:
        return "".join(file.diff() for file in self.edited_files())

    def reformatted(self) -> list[Diagnostic]:
        return [d for file in self.edited_files() for d in file.reformatted()]

    def undo(self) -> bool:
        """Take back the last change not yet saved (see ``YamlFile.undo``); False if none."""
        if not self.changes:
            return False
        change = self.changes.pop()
        self._files[Path(change.file).resolve()].undo()
        self._loaded = self._load()
        return True

    def save(self) -> list[str]:
        """Write every edited file, each atomically; the files written. Nothing is written if
        any of them was changed on disk since it was read (``E006``)."""
        edited = self.edited_files()
        for file in edited:
            file.check_unchanged()
        return [file.display for file in edited if file.save()]


def new_problems(before: Report, after: Report) -> list[Diagnostic]:
    """Diagnostics of ``after`` that ``before`` does not have: what an edit introduced.

    Matched by code, file and message, not by line: an edit that adds a line moves every later
    finding down without changing it.
    """
    seen = Counter((d.code, d.position.file, d.message) for d in before.diagnostics)
    out = []
    for d in after.sorted():
        key = (d.code, d.position.file, d.message)
        if seen[key]:
            seen[key] -= 1
        else:
            out.append(d)
    return out
