"""Generated malformed files through every input path, in-process (click's test runner).

Each test mutates one valid input (see ``targets``) with a Hypothesis-drawn recipe, runs the
command drawn for it, and checks the front-door invariants of ``harness.check``: no exception
or traceback, exit code 0/1/2 (never 3), a located diagnostic whenever the exit code is not 0,
no partial or changed ``--output`` file after a failed run, and an end within the time limit.
A generated input may happen to be valid: exit code 0 is then fine.

Slow paths (the OMI ruleset, the North Wales sample, Excel workbooks) run fewer examples: the
profile's ``max_examples`` divided by the target's cost.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from .harness import Hang, check, record, run_in_process, scratch, time_limit
from .mutations import Recipe
from .strategies import SEEDS, recipes
from .targets import TARGETS

GENERATION_LIMIT = 60.0
QUICK = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def examples(cost: int) -> int:
    """The profile's ``max_examples`` divided by the target's ``cost`` (at least 5)."""
    return max(5, settings.default.max_examples // cost)


def reproducer(target: str, recipe: Recipe, layout: int) -> str:
    spec = json.dumps({"target": target, "layout": layout, "recipe": [list(step) for step in recipe]})
    return f"reproduce with: python -m tests.fuzz.campaign --replay '{spec}' --keep fuzz-case"


def exercise(name: str, recipe: Recipe, layout: int) -> None:
    """Lay out one input of target ``name``, run it in-process and assert the invariants."""
    target = TARGETS[name]
    with scratch() as tmp:
        try:
            with time_limit(GENERATION_LIMIT):
                prepared = target.prepare(Path(tmp), recipe, layout)
        except Hang:
            raise AssertionError(f"making the input took over {GENERATION_LIMIT}s: {recipe}") from None
        outcome = run_in_process(prepared.argv, prepared.cwd)
        problems = check(outcome, prepared.output, prepared.before)
        record(name, "in-process", outcome.seconds)
    assert not problems, f"{reproducer(name, recipe, layout)}\n{outcome.describe()}"


@settings(max_examples=examples(TARGETS["ruleset"].cost), **QUICK)
@given(recipe=recipes(TARGETS["ruleset"].kinds), layout=SEEDS)
def test_ruleset_files(recipe: Recipe, layout: int) -> None:
    """A mutated main or part file of the minimal ruleset, through check, score, explain, docs,
    resolve, diff, impact and test: a diagnostic, never a crash, hang or partial output."""
    exercise("ruleset", recipe, layout)


@settings(max_examples=examples(TARGETS["ruleset-omi"].cost), **QUICK)
@given(recipe=recipes(TARGETS["ruleset-omi"].kinds), layout=SEEDS)
def test_omi_ruleset_files(recipe: Recipe, layout: int) -> None:
    """A mutated file of the five-file OMI 2008 ruleset, or of OMI2 which extends it, through
    check and resolve: the same invariants on a real ruleset and on inheritance."""
    exercise("ruleset-omi", recipe, layout)


@settings(max_examples=examples(TARGETS["cases-csv"].cost), **QUICK)
@given(recipe=recipes(TARGETS["cases-csv"].kinds), layout=SEEDS)
def test_csv_case_data(recipe: Recipe, layout: int) -> None:
    """Mutated CSV case data (ragged rows, quotes, separators, formula-like and hostile cells,
    encodings, NUL bytes...) through score, explain and impact: the invariants hold."""
    exercise("cases-csv", recipe, layout)


@settings(max_examples=examples(TARGETS["cases-json"].cost), **QUICK)
@given(recipe=recipes(TARGETS["cases-json"].kinds), layout=SEEDS)
def test_json_case_data(recipe: Recipe, layout: int) -> None:
    """Mutated JSON case data (wrong types, NaN/Infinity, huge numbers, deep nesting, broken
    syntax): the invariants hold."""
    exercise("cases-json", recipe, layout)


@settings(max_examples=examples(TARGETS["cases-yaml"].cost), **QUICK)
@given(recipe=recipes(TARGETS["cases-yaml"].kinds), layout=SEEDS)
def test_yaml_case_data(recipe: Recipe, layout: int) -> None:
    """Mutated YAML case data (every YAML mutation: aliases, tags, nesting, encodings...): the
    invariants hold."""
    exercise("cases-yaml", recipe, layout)


@settings(max_examples=examples(TARGETS["cases-xlsx"].cost), **QUICK)
@given(recipe=recipes(TARGETS["cases-xlsx"].kinds), layout=SEEDS)
def test_xlsx_case_data(recipe: Recipe, layout: int) -> None:
    """Generated and damaged Excel workbooks (formulas, formula-like text, wrong cell types,
    merged cells, extra sheets, a far cell, corrupt zip parts, a zip bomb): the invariants hold."""
    exercise("cases-xlsx", recipe, layout)


@settings(max_examples=examples(TARGETS["cases-north-wales"].cost), **QUICK)
@given(recipe=recipes(TARGETS["cases-north-wales"].kinds), layout=SEEDS)
def test_north_wales_sample(recipe: Recipe, layout: int) -> None:
    """The North Wales sample (109 cases, OMI 2008) with its case file or judgements mutated,
    scored to an --output file: the invariants hold at real size."""
    exercise("cases-north-wales", recipe, layout)


@settings(max_examples=examples(TARGETS["judgements"].cost), **QUICK)
@given(recipe=recipes(TARGETS["judgements"].kinds), layout=SEEDS)
def test_judgements_files(recipe: Recipe, layout: int) -> None:
    """Mutated section 4 judgements through score and explain: the invariants hold."""
    exercise("judgements", recipe, layout)


@settings(max_examples=examples(TARGETS["ruleset-tests"].cost), **QUICK)
@given(recipe=recipes(TARGETS["ruleset-tests"].kinds), layout=SEEDS)
def test_ruleset_test_files(recipe: Recipe, layout: int) -> None:
    """Mutated ruleset tests (*.test.yaml), including ``ruleset``/``cases_file``/
    ``judgements_file`` pointing at folders, devices and missing files, through ``test``: the
    invariants hold (a failing test is exit code 1 with located T-diagnostics)."""
    exercise("ruleset-tests", recipe, layout)
