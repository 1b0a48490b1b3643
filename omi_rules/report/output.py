"""Write output files atomically: a reader never sees a half-written report, and a failed run
leaves any previous file untouched."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from omi_rules.engine.result_model import Result


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
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
