"""Deliberately injected scoring bugs, each a one-place source edit, and the properties that must
catch it.

A mutant is applied to a copy of the package (never to the checkout), and the properties run
against the copy: ``python -m tests.mutation.run`` reports every property that fails under
every mutant, and tests/mutation/test_mutants.py holds CI to the ``caught_by`` lists below.
If a refactor moves the code a mutant edits, its ``old`` text no longer matches and the test
says so: update the mutant, do not delete it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    bug: str
    """The bug in words, as a reviewer would describe it."""
    file: str
    """Relative to the repository root."""
    old: str
    """Text that must occur exactly once in ``file``."""
    new: str
    caught_by: tuple[str, ...]
    """Property tests (``file::test``, under tests/properties/) that must fail."""


SCORING = "test_scoring_properties.py"

MUTANTS = [
    Mutant(
        "weights-swapped",
        "a criterion's individual and summary weights are swapped",
        "omi_rules/engine/scoring.py",
        "exact(w.individual),\n                    exact(w.summary),\n",
        "exact(w.summary),\n                    exact(w.individual),\n",
        (f"{SCORING}::test_criterion_score_is_its_weighted_combination_and_between_its_parts",),
    ),
    Mutant(
        "relevance-boundary-off-by-one",
        "'>=' in a relevance condition is evaluated as '>' (ordered enums and numbers)",
        "omi_rules/conditions/vector.py",
        '">=": np.greater_equal,',
        '">=": np.greater,',
        # test_vector_and_rowwise_agree (conditions over fixed fields) catches it only now and
        # then: its conditions seldom compare a value with itself at the boundary.
        (f"{SCORING}::test_relevance_agrees_with_row_by_row_evaluation",),
    ),
    Mutant(
        "relevance-shifted-one-case",
        "each case's relevance is taken from the case before it",
        "omi_rules/engine/relevance.py",
        "result.relevant[cq.id] = mask\n",
        "mask = np.roll(mask, 1)\n        result.relevant[cq.id] = mask\n",
        (f"{SCORING}::test_relevance_agrees_with_row_by_row_evaluation",),
    ),
    Mutant(
        "summary-counted-as-individual",
        "the summary question is also counted among the individual questions",
        "omi_rules/engine/scoring.py",
        "                elif question.scored and p is not None:",
        "                if question.scored and p is not None:",
        (f"{SCORING}::test_criterion_score_is_its_weighted_combination_and_between_its_parts",),
    ),
    Mutant(
        "not-applicable-as-insufficient",
        "a not-applicable answer is judged, as if it were insufficient",
        "omi_rules/engine/compiled.py",
        "judged = frozenset(codes[v] for v in (*scale.sufficient, *scale.insufficient))",
        "judged = frozenset(codes[v] for v in (*scale.sufficient, *scale.insufficient, *scale.not_applicable))",
        (f"{SCORING}::test_question_score_is_the_share_of_judged_answers_that_are_sufficient",),
    ),
    Mutant(
        "band-boundary-wrong-side",
        "bands include their max and exclude their min (min < score <= max)",
        "omi_rules/plugins/builtin.py",
        "if low <= score < high or score == high == 100:",
        "if low < score <= high or score == low == 0:",
        (f"{SCORING}::test_grade_bands_are_a_monotone_step_function_of_the_score",),
    ),
    Mutant(
        "unscored-criterion-as-zero",
        "a criterion with no judged case counts as 0 in its section's mean",
        "omi_rules/engine/scoring.py",
        "            if score is not None:\n                section_scores.append(score)",
        "            section_scores.append(score or 0.0)",
        (f"{SCORING}::test_section_score_is_the_mean_of_its_criteria",),
    ),
    Mutant(
        "thread-includes-summary",
        "threads also select summary questions",
        "omi_rules/engine/compiled.py",
        "and (thread.select.include_summary or not q.summary)",
        "and (thread.select.include_summary or True)",
        (f"{SCORING}::test_thread_score_is_the_mean_of_its_questions",),
    ),
    Mutant(
        "subgroup-ignored-in-counts",
        "question counts ignore the subgroup (--where/--by) and count the whole sample",
        "omi_rules/engine/scoring.py",
        "answers, relevant = answers[mask], relevant & mask",
        "answers, relevant = answers, relevant & mask",
        (f"{SCORING}::test_a_subgroups_scores_equal_the_scores_of_the_filtered_sample",),
    ),
    Mutant(
        "rounding-half-even",
        "scores are rounded half to even where the ruleset says half up",
        "omi_rules/numbers.py",
        'remainder == HALF and (method == "half_up" or whole % 2 == 1)',
        'remainder == HALF and (method != "half_up" or whole % 2 == 1)',
        (f"{SCORING}::test_grade_bands_are_a_monotone_step_function_of_the_score",),
    ),
]
