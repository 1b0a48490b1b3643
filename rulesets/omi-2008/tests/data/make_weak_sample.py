"""Regenerate weak-sample.csv: 30 synthetic cases where little work is sufficient, so the Risk
of Harm thread falls below the further-inspection limit (run from the repository root:
``.venv/bin/python rulesets/omi-2008/tests/data/make_weak_sample.py``)."""

from pathlib import Path

from omi_rules.engine.compiled import compile_ruleset
from omi_rules.lifecycle.synthetic import synthetic_table, write_csv
from omi_rules.ruleset.loader import load_ruleset

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    loaded = load_ruleset(HERE.parents[1])
    assert loaded.model is not None
    write_csv(synthetic_table(compile_ruleset(loaded.model), 30, seed=7, sufficient=0.3), HERE / "weak-sample.csv")
