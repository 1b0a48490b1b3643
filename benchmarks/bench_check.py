"""Cost of ``check`` on omi-2008 relative to merely parsing its YAML files.

The baseline parses the same files with ruamel.yaml's safe loader; the measured run does what
``omi-rules check`` does (read with positions, schema validation, typed model, semantic checks
including the never-true enumeration). The ratio says how much checking costs over parsing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of
from ruamel.yaml import YAML

from omi_rules.checks import check_ruleset
from omi_rules.diagnostics import Report

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "rulesets" / "omi-2008"


def parse_only() -> None:
    yaml = YAML(typ="safe")
    for path in sorted(FOLDER.glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"))


def full_check() -> None:
    report = Report()
    check_ruleset(FOLDER, report)
    assert not report.errors


def main() -> None:
    full_check()  # warm caches (schema validator) as a long-running process would have them
    t_parse = best_of(parse_only)
    t_check = best_of(full_check)
    print(f"parse only (baseline): {t_parse * 1000:.1f} ms")
    print(f"check                : {t_check * 1000:.1f} ms")
    print(f"ratio                : check costs {t_check / t_parse:.1f}x a plain parse")


if __name__ == "__main__":
    main()
