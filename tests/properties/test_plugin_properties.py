"""The scoring invariants hold for every installed plugin's criterion aggregations and thread
combinations, not only the built-ins: generated rulesets draw from the whole registry.

These are the promises the plugin guide asks of an aggregation (a percentage or None, None only
when nothing was judged, between the lowest and highest part, never lowered by a better answer,
indifferent to order); a plugin that breaks one fails here once it is installed.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omi_rules.engine.compiled import compile_ruleset
from omi_rules.plugins.manager import builtin_registry, load_plugins

from .figures import figures, proportions
from .strategies import Inspection, inspections, model_of
from .test_scoring_properties import all_scores, one_answer_better

REGISTRY = load_plugins()


def test_the_properties_draw_from_the_built_ins_and_every_installed_plugin() -> None:
    builtin = builtin_registry()
    assert set(builtin.aggregations) <= set(REGISTRY.aggregations)
    assert set(builtin.thread_combinations) <= set(REGISTRY.thread_combinations)
    for plugin in REGISTRY.plugins:
        assert plugin.ok, (plugin.name, plugin.status)


@given(inspections(registry=REGISTRY))
def test_every_aggregation_scores_between_the_parts_it_combines(inspection: Inspection) -> None:
    """Invariant, for every installed aggregation: a criterion has a score exactly when one of
    its scored questions has one, and the score lies between the lowest and the highest of
    those questions' scores."""
    outcome = inspection.run()
    props = proportions(outcome)
    for section in inspection.document["sections"]:
        for criterion in section["criteria"] if section["kind"] == "case_sample" else []:
            parts = [p for q in criterion["questions"] if q.get("scored", True) and (p := props[q["id"]]) is not None]
            score = outcome.scores.criteria[criterion["id"]].score
            assert (score is None) == (not parts), criterion.get("aggregation")
            if score is not None:
                assert min(parts) - 1e-9 <= score <= max(parts) + 1e-9, criterion.get("aggregation")


@given(inspections(registry=REGISTRY), st.data())
def test_with_any_plugin_a_better_answer_never_lowers_a_score(inspection: Inspection, data: st.DataObject) -> None:
    """Invariant, for every installed aggregation and thread combination: turning one relevant
    insufficient answer (of a question no condition reads) into a sufficient one never lowers
    any score."""
    better = one_answer_better(inspection, data)
    if better is None:
        return
    for old, new in zip(all_scores(inspection.run()), all_scores(inspection.run(better)), strict=True):
        assert old is None or new is None or new >= old


@given(inspections(registry=REGISTRY), st.randoms(use_true_random=False))
def test_with_any_plugin_order_and_duplication_change_nothing(inspection: Inspection, rng: Any) -> None:
    """Invariant, for every installed aggregation and thread combination: shuffling the cases
    or the ruleset's questions, or duplicating every case, changes no score."""
    expected = figures(inspection.run())
    rows = list(inspection.rows)
    rng.shuffle(rows)
    assert figures(inspection.run(rows)) == expected
    document = copy.deepcopy(inspection.document)
    for section in document["sections"]:
        for criterion in section["criteria"]:
            rng.shuffle(criterion.get("questions", []))
    shuffled = Inspection(
        document,
        compile_ruleset(model_of(document), REGISTRY),
        inspection.header,
        inspection.rows,
        inspection.judgements,
    )
    assert figures(shuffled.run()) == expected
    doubled = inspection.rows + [[f"{row[0]}b", *row[1:]] for row in inspection.rows]
    assert all_scores(inspection.run(doubled)) == all_scores(inspection.run())
