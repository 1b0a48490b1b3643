"""The properties catch deliberately injected scoring bugs (tests/mutation/mutants.py).

Each mutant is applied to a copy of the package; the properties it lists must fail on the copy.
A control run on an unmutated copy must pass, so a "catch" is never the harness failing.
``python -m tests.mutation.run`` gives the full table (every property against every mutant).
"""

from __future__ import annotations

import pytest

from tests.mutation.mutants import MUTANTS, Mutant
from tests.mutation.run import ROOT, run_mutant

CONTROL = [
    "test_scoring_properties.py::test_criterion_score_is_its_weighted_combination_and_between_its_parts",
    "test_scoring_properties.py::test_grade_bands_are_a_monotone_step_function_of_the_score",
]


def test_mutants_have_distinct_names_and_real_catchers() -> None:
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    for mutant in MUTANTS:
        assert mutant.caught_by, mutant.name
        for test in mutant.caught_by:
            file, name = test.split("::")
            assert f"def {name}(" in (ROOT / "tests" / "properties" / file).read_text(encoding="utf-8"), test


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_still_applies_to_the_source(mutant: Mutant) -> None:
    """The code a mutant edits is still there, once (else a refactor silently retired it)."""
    assert (ROOT / mutant.file).read_text(encoding="utf-8").count(mutant.old) == 1


def test_control_copy_without_a_mutant_passes() -> None:
    run = run_mutant(None, CONTROL, "dev")
    assert run.returncode == 0 and not run.failed and not run.errors


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_properties_catch_the_injected_bug(mutant: Mutant) -> None:
    """Under the mutant, every property in its ``caught_by`` fails."""
    run = run_mutant(mutant, list(mutant.caught_by), "mutation")
    missed = set(mutant.caught_by) - run.failed
    assert not missed, f"{mutant.name} ({mutant.bug}) survived: {sorted(missed)}\n{run.output[-4000:]}"
