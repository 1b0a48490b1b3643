"""Generate the synthetic youth justice inspection in this folder (seeded, reproducible).

    python examples/hmip-youth/generate.py          # write cases.csv and judgements.yaml
    python examples/hmip-youth/generate.py --check  # exit 1 if the committed files differ

The cases are random (omi_rules.lifecycle.synthetic): 40 court and 30 out-of-court disposals,
each key question answered sufficient with probability 0.75. They are not any real service's
cases; they exist to show the framework scored end to end from case data, with the standards
inspectors rate directly given in judgements.yaml, and one rating moderated by a ratings panel.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from omi_rules.diagnostics import Report  # noqa: E402
from omi_rules.checks import check_ruleset  # noqa: E402
from omi_rules.engine.compiled import compile_ruleset  # noqa: E402
from omi_rules.lifecycle.synthetic import synthetic_table  # noqa: E402

SEED = 2021
COURT, OUT_OF_COURT = 40, 30

JUDGEMENTS = """\
# yaml-language-server: $schema=../../schemas/judgements.schema.json
#
# Synthetic: the ratings inspectors give the standards they rate directly (domain one, 3.4
# and 4.1), and one moderation: the ratings panel rates 2.2 (planning) Requires improvement
# whatever its lowest key question gives. Made by generate.py (seed 2021).
ruleset: hmip-youth
ratings:
  "1.1": good
  "1.2": good
  "1.3": outstanding
  "1.4": requires_improvement
  "3.4": good
  "4.1": requires_improvement
  "2.2":
    rating: requires_improvement
    reason: >-
      The ratings panel's decision: planning to keep other people safe was weak in the cases
      of children who posed a high risk, though sufficient overall.
"""


def build() -> dict[str, str]:
    report = Report()
    loaded = check_ruleset(ROOT / "rulesets" / "hmip-youth-2021", report)
    assert loaded.model is not None and not report.errors
    compiled = compile_ruleset(loaded.model)
    table = synthetic_table(compiled, COURT + OUT_OF_COURT, seed=SEED, sufficient=0.75, not_applicable=0.0)
    # synthetic_table draws the disposal at random; fix the design (40 court, 30 out of court)
    # by drawing again until the split matches, with the same seeded source.
    rng = random.Random(SEED)
    while sum(row[1] == "court" for row in table.rows) != COURT:
        table = synthetic_table(compiled, COURT + OUT_OF_COURT, seed=rng.randrange(10**9), sufficient=0.75,
                                not_applicable=0.0)
    lines = [",".join(table.header)]
    for k, row in enumerate(table.rows, 1):
        cells = ["" if cell is None else str(cell) for cell in row]
        cells[0] = f"yj{k:03d}"
        lines.append(",".join(cells))
    return {"cases.csv": "\n".join(lines) + "\n", "judgements.yaml": JUDGEMENTS}


def main() -> int:
    files = build()
    if "--check" in sys.argv[1:]:
        stale = [name for name, text in files.items() if (HERE / name).read_text(encoding="utf-8") != text]
        if stale:
            print(f"generate.py --check: {', '.join(stale)} differ from what the script makes", file=sys.stderr)
            return 1
        print(f"generate.py --check: {', '.join(files)} are what the script makes (seed {SEED})")
        return 0
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
