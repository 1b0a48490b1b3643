"""A cache of checked rulesets, so a second ``score`` or ``impact`` skips loading and checking.

Loading, validating and checking omi-2008 takes about half a second on every run, the same
half second each time while the ruleset is unchanged. The checked result (the loaded ruleset
and every finding) is kept in the user's cache directory (``platformdirs``), one file per
ruleset, and used again only when nothing that made it can have changed:

* the key names the ruleset as given, the working directory (diagnostics show paths relative
  to it), the Python, pydantic and omi-rules versions, every plugin and its version, and the
  size and time of every file of the omi_rules package and its schemas (a developer's edit of
  a check changes the key, without a version bump);
* the entry lists every file the ruleset was read from, with its SHA-256, and is used only if
  each still has those bytes; and the sibling rulesets an ``extends`` may pick its parent
  from, and the schema budget (``--all`` lifts it), are part of the key.

Entries are pruned when one is written (``_prune``): those not used for ``KEEP_DAYS`` and
those beyond the ``KEEP_ENTRIES`` most recently used (a hit marks its entry used).

The entry also keeps the ruleset's hash (``LoadedRuleset.sha256``), which a hit would
otherwise work out again by dumping the whole model.

Any failure (no cache directory, not writable, a corrupt or foreign entry, a pickle of another
version) falls back to the full path, silently: the cache can make a run faster, never
different. ``--no-cache`` (or ``OMI_RULES_NO_CACHE=1``) turns it off; ``OMI_RULES_CACHE_DIR``
moves it. The entries are pickles, read only from the user's own cache directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import VERSION as pydantic_version

from omi_rules import __version__
from omi_rules.diagnostics import Diagnostic, Report, caps
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.ruleset.loader import LoadedRuleset

FORMAT = 1
"""The layout of an entry; entries of another layout are ignored."""
KEEP_DAYS = 30
"""An entry not used for this long is removed when another is written."""
KEEP_ENTRIES = 64
"""At most this many entries are kept, the most recently used (each is about 0.8 MB for
omi-2008). A new key is made by every upgrade of omi-rules or of a plugin, and every folder a
ruleset is scored from: without a limit the folder only grew."""

_OFF: ContextVar[bool] = ContextVar("omi_rules_no_cache", default=False)


def disable(off: bool = True) -> None:
    """No cache for the rest of this context (``--no-cache``)."""
    _OFF.set(off)


def enabled() -> bool:
    return not _OFF.get() and os.environ.get("OMI_RULES_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    """Where entries are kept: ``OMI_RULES_CACHE_DIR``, else the user's cache directory."""
    chosen = os.environ.get("OMI_RULES_CACHE_DIR")
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("omi-rules")) / "rulesets"


@dataclass
class _Entry:
    format: int
    key: str
    files: list[tuple[str, str]]
    """Each file read, absolute, with the SHA-256 of its bytes."""
    loaded: LoadedRuleset
    diagnostics: list[Diagnostic]
    unreadable: bool


def checked_ruleset(path: Path, report: Report, registry: Registry | None = None) -> LoadedRuleset:
    """``check_ruleset``, from the cache when the entry for ``path`` is still true.

    The checks' code is imported only when it runs (a miss, or the cache off): importing it
    cost a hit about 13 ms, a tenth of what the hit saves."""
    registry = registry or builtin_registry()
    if not enabled():
        from omi_rules.checks import check_ruleset

        return check_ruleset(path, report, registry)
    key, entry = "", None
    try:
        key = _key(path, registry)
        entry = _read(directory() / f"{key}.pickle", key)
    except Exception:  # any trouble with the cache is a miss, never a failure (a corrupt
        entry = None  # entry is written again below)
    if entry is not None:
        _touch(directory() / f"{key}.pickle")
        report.extend(entry.diagnostics)
        report.unreadable = report.unreadable or entry.unreadable
        entry.loaded.cached = True
        return entry.loaded
    from omi_rules.checks import check_ruleset

    own = Report()
    loaded = check_ruleset(path, own, registry)
    report.extend(own.diagnostics)
    report.unreadable = report.unreadable or own.unreadable
    if key and not own.unreadable:
        try:
            if loaded.model is not None and loaded.sha256 is None:  # kept with the entry for the hits
                from omi_rules.engine.compiled import ruleset_hash

                loaded.sha256 = ruleset_hash(loaded.model)
            files = [(str(file), _sha256(file)) for file in _read_files(loaded)]
            _write(directory() / f"{key}.pickle", _Entry(FORMAT, key, files, loaded, own.diagnostics, own.unreadable))
            _prune(directory())
        except Exception:  # unwritable, full, a file gone meanwhile: just not cached
            pass
    return loaded


def _key(path: Path, registry: Registry) -> str:
    package = Path(__file__).resolve().parents[1]
    code = sorted(_code_files(package))
    main = path if path.is_file() else path / "ruleset.yaml"
    siblings = sorted(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in main.resolve().parent.parent.glob("*/ruleset.yaml")
    )
    facts: dict[str, Any] = {
        "format": FORMAT,
        "omi_rules": __version__,
        "python": sys.version,
        "pydantic": pydantic_version,  # the entry holds pydantic models, and the hash of their dump
        "plugins": sorted(registry.versions().items()),
        "cwd": str(Path.cwd()),
        "path": str(path),
        "code": code,
        "siblings": siblings,
        "schema_budget": caps.schema_budget(),  # --all validates what the budget stops at
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def _code_files(package: Path) -> list[tuple[str, int, int]]:
    """Each source file of the package (``.py``, ``.j2``) with its size and time: one walk
    with ``os.scandir`` underneath (two recursive ``Path.glob`` took four times as long)."""
    found = []
    for root, folders, names in os.walk(package):
        folders[:] = [folder for folder in folders if folder != "__pycache__"]
        relative = os.path.relpath(root, package)
        for name in names:
            if name.endswith((".py", ".j2")):
                stat = os.stat(os.path.join(root, name))
                found.append(
                    (name if relative == "." else os.path.join(relative, name), stat.st_size, stat.st_mtime_ns)
                )
    return found


def _read_files(loaded: LoadedRuleset) -> list[Path]:
    """The files ``loaded`` was read from, absolute (its ``files`` are named for display)."""
    return [(Path.cwd() / name).resolve() for name in loaded.files]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(where: Path, key: str) -> _Entry | None:
    if not where.is_file():
        return None
    with where.open("rb") as handle:
        entry = pickle.load(handle)
    if not isinstance(entry, _Entry) or entry.format != FORMAT or entry.key != key:
        return None
    if not entry.files or any(not Path(name).is_file() or _sha256(Path(name)) != sha for name, sha in entry.files):
        return None
    return entry


def _touch(where: Path) -> None:
    """Mark an entry used now (its modification time), so that pruning keeps what is in use."""
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(where)


def _prune(folder: Path) -> None:
    """Remove the entries not used for ``KEEP_DAYS``, those beyond the ``KEEP_ENTRIES`` most
    recently used, and a day-old temporary file of a write that did not finish. Run after a
    write (a miss, never a hit), so it costs a run that is checking the ruleset anyway."""
    now = time.time()
    used: list[tuple[float, Path]] = []
    for path in folder.iterdir():
        try:
            modified = path.stat().st_mtime
        except OSError:  # removed meanwhile by another run
            continue
        if path.suffix == ".pickle":
            used.append((modified, path))
        elif path.name.startswith(".entry-") and now - modified > 86_400:
            path.unlink(missing_ok=True)
    used.sort(reverse=True)
    for rank, (modified, path) in enumerate(used):
        if rank >= KEEP_ENTRIES or now - modified > KEEP_DAYS * 86_400:
            path.unlink(missing_ok=True)


def _write(where: Path, entry: _Entry) -> None:
    """Write atomically: a reader never sees half an entry."""
    where.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=where.parent, prefix=".entry-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(entry, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, where)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
