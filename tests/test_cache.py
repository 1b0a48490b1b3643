"""The cache of checked rulesets (issue 15): a hit gives exactly what the full path gives, and
anything that could change the result misses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.engine import cache
from omi_rules.plugins.manager import Registry, load_plugins

ROOT = Path(__file__).resolve().parent.parent
OMI = ROOT / "rulesets" / "omi-2008"
NORTH_WALES = ROOT / "examples" / "north-wales-2008"


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in a folder of this test's own; returns a copy of omi-2008."""
    monkeypatch.setenv("OMI_RULES_NO_CACHE", "0")
    monkeypatch.setenv("OMI_RULES_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "rulesets" / "omi-2008"
    shutil.copytree(OMI, copy, ignore=shutil.ignore_patterns("tests"))
    return copy


def _check(ruleset: Path, registry: Registry | None = None) -> tuple[bool, Report]:
    report = Report()
    loaded = cache.checked_ruleset(ruleset, report, registry or load_plugins())  # as the commands do
    return loaded.cached, report


def _score(ruleset: Path, *options: str) -> str:
    args = ["score", str(ruleset), str(NORTH_WALES / "cases.csv"), "--judgements", str(NORTH_WALES / "judgements.yaml")]
    result = CliRunner().invoke(main, [*args, "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_cached_run_gives_byte_identical_json(cached: Path, tmp_path: Path) -> None:
    first = _score(cached)  # a miss: checked and written
    assert list((tmp_path / "cache").glob("*.pickle"))
    assert _check(cached)[0]  # the entry is used
    assert _score(cached) == first == _score(cached, "--no-cache")
    assert _check(cached)[0] and "cached" not in first


def test_editing_any_part_file_misses_the_cache(cached: Path) -> None:
    before = _score(cached)
    part = next(p for p in sorted(cached.glob("*.yaml")) if p.name != "ruleset.yaml")
    text = part.read_text(encoding="utf-8")
    part.write_text(text + "\n", encoding="utf-8")  # the same ruleset, other bytes
    assert not _check(cached)[0]
    assert _check(cached)[0]  # and cached again
    main_file = cached / "ruleset.yaml"
    main_text = main_file.read_text(encoding="utf-8")
    assert "        min: 71\n" in main_text and "        max: 71\n" in main_text
    moved = main_text.replace("        min: 71\n", "        min: 73\n", 1).replace(
        "        max: 71\n", "        max: 73\n", 1
    )
    main_file.write_text(moved, encoding="utf-8")
    assert not _check(cached)[0]
    assert _score(cached) != before  # 1.4 at 72% is no longer Good


def test_another_plugin_version_misses_the_cache(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(cached)
    assert _check(cached)[0]
    monkeypatch.setattr(Registry, "versions", lambda self: {"omi-rules-ippf": "9.9"})
    assert not _check(cached)[0]


def test_a_corrupt_or_unwritable_cache_falls_back_to_the_full_path(cached: Path, tmp_path: Path) -> None:
    expected = _score(cached, "--no-cache")
    _check(cached)
    [entry] = (tmp_path / "cache").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    hit, report = _check(cached)
    assert not hit and not report.errors
    assert _score(cached) == expected  # and the entry is written again
    assert _check(cached)[0]


def test_an_unwritable_cache_directory_is_no_failure(
    cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("OMI_RULES_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    assert _score(cached) == _score(cached, "--no-cache")
    assert not _check(cached)[0]


def test_findings_are_replayed_from_the_cache(cached: Path) -> None:
    """A ruleset with warnings: a hit reports the same findings, at the same places."""
    main_file = cached / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    main_file.write_text(text.replace("basis: rounded", "basis: rounded  # kept"), encoding="utf-8")
    miss, first = _check(cached)
    hit, second = _check(cached)
    assert not miss and hit
    assert [d.sort_key() for d in first.sorted()] == [d.sort_key() for d in second.sorted()]


def test_no_cache_and_the_environment_turn_it_off(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(cached)
    monkeypatch.setenv("OMI_RULES_NO_CACHE", "1")
    assert not _check(cached)[0]


def test_all_findings_is_not_answered_from_a_capped_check(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check stopped at the schema budget must not be replayed for ``--all``."""
    from omi_rules.diagnostics import caps

    monkeypatch.setattr(caps, "SCHEMA_BUDGET", 1)
    main_file = cached / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    main_file.write_text(text.replace("\ntitle: ", "\ntitel: ", 1) + "extra_a: 1\nextra_b: 2\n", encoding="utf-8")
    _, capped = _check(cached)
    assert any(d.code == "L002" for d in capped.diagnostics)
    caps.lift(True)
    try:
        hit, every = _check(cached)
    finally:
        caps.lift(False)
    assert not hit and not any(d.code == "L002" for d in every.diagnostics)


def test_entries_not_used_for_a_month_or_beyond_the_limit_are_removed(cached: Path) -> None:
    """A write prunes the folder: an entry unused for KEEP_DAYS goes, as do those beyond the
    KEEP_ENTRIES most recently used and a stale temporary file; a hit marks its entry used."""
    import os
    import time

    assert not _check(cached)[0]  # fills the cache
    folder = Path(os.environ["OMI_RULES_CACHE_DIR"])
    (entry,) = folder.glob("*.pickle")
    now = time.time()
    old = now - (cache.KEEP_DAYS + 1) * 86_400
    os.utime(entry, (old, old))
    assert _check(cached)[0]  # a hit, however old the entry ...
    assert entry.stat().st_mtime > old  # ... marks it used
    stale = folder / "stale.pickle"
    stale.write_bytes(b"not an entry")
    os.utime(stale, (old, old))
    temporary = folder / ".entry-crashed"
    temporary.write_bytes(b"")
    os.utime(temporary, (now - 2 * 86_400,) * 2)
    recent = []
    for i in range(cache.KEEP_ENTRIES + 3):
        path = folder / f"other-{i:03d}.pickle"
        path.write_bytes(b"x")
        os.utime(path, (now - 60 - i,) * 2)  # other-000 the most recently used
        recent.append(path)
    part = cached / "section-1.yaml"  # (the main file's size and time are in the key: not it)
    part.write_text(part.read_text() + "\n# edited\n")
    assert not _check(cached)[0]  # a miss writes the entry again, and prunes
    left = set(folder.iterdir())
    assert entry in left  # just written again
    assert not {stale, temporary} & left
    assert len([p for p in left if p.suffix == ".pickle"]) == cache.KEEP_ENTRIES
    kept = cache.KEEP_ENTRIES - 1  # the entry just written is the most recently used
    assert sorted(p.name for p in left if p.name.startswith("other-")) == [p.name for p in recent[:kept]]
