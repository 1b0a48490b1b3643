"""Write output files atomically: a reader never sees a half-written report, and a failed run
leaves any previous file untouched."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from omi_rules import __version__
from omi_rules.model.results import Result


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or a binary file's bytes, e.g. a workbook) to ``path`` via a temporary
    file in the same folder and a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def as_json(result: Result) -> str:
    """Deterministic JSON: same inputs, byte-identical text (no times, fixed key order)."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class ChangeTable:
    """A table of a changes page: rows whose first cell is the kind (added, removed, ...)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    empty: str = "Nothing."


def changes_page(kicker: str, title: str, summary: str, tables: list[ChangeTable]) -> str:
    """``diff`` and ``impact`` as one self-contained HTML page in the report page's style.

    jinja2 is imported here, not with the module: every command that writes output imports
    this module, and only these pages need it (about 12 ms of a start)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("omi_rules", "templates"), autoescape=True, keep_trailing_newline=True
    )
    template = environment.get_template("changes.html.j2")
    return template.render(kicker=kicker, title=title, summary=summary, tables=tables, version=__version__)
