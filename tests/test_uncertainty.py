"""Intervals and band stability (``engine.uncertainty``) on the North Wales example, and the
vectorised rules they resample against the engine's exact ones."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from omi_rules.cli import main
from omi_rules.engine import pipeline
from omi_rules.engine.analytic import wilson, z_value
from omi_rules.engine.precision import Options
from omi_rules.engine.resample import _criterion, bootstrap_weights, replicate_scores, sample_matrices
from omi_rules.plugins import builtin
from omi_rules.plugins.manager import builtin_registry

from .conftest import ROOT

RULESET = ROOT / "rulesets" / "omi-2008"
EXAMPLE = ROOT / "examples" / "north-wales-2008"
CASES = EXAMPLE / "cases.csv"
JUDGEMENTS = EXAMPLE / "judgements.yaml"


@pytest.fixture(scope="module")
def scored() -> pipeline.Scored:
    out = pipeline.score(RULESET, CASES, JUDGEMENTS, uncertainty=Options())
    assert out.result is not None and out.result.uncertainty is not None
    return out


def test_the_published_figures_do_not_move(scored: pipeline.Scored) -> None:
    plain = pipeline.score(RULESET, CASES, JUDGEMENTS).result
    assert plain is not None and scored.result is not None
    assert plain.uncertainty is None
    assert plain.model_dump(exclude={"uncertainty"}) == scored.result.model_dump(exclude={"uncertainty"})


def test_weights_of_one_give_back_the_exact_scores(scored: pipeline.Scored) -> None:
    """The vectorised rules on the sample itself (every case once) are the engine's scores."""
    assert scored.compiled and scored.evaluation is not None and scored.mask is not None and scored.result
    matrices = sample_matrices(scored.compiled, scored.evaluation, scored.mask)
    rep = replicate_scores(scored.compiled, matrices, np.ones((1, matrices.size)))
    for cid, criterion in scored.result.criteria.items():
        assert criterion.score is not None
        assert rep.criteria[cid][0] == pytest.approx(float(criterion.score), abs=1e-9)
        for q in criterion.questions:
            if q.proportion is not None:
                assert rep.questions[q.id][0] == pytest.approx(float(q.proportion), abs=1e-9)
    for sid, section in scored.result.sections.items():
        assert section.score is not None
        assert rep.sections[sid][0] == pytest.approx(float(section.score), abs=1e-9)
    assert rep.threads["roh"][0] == pytest.approx(float(scored.result.threads["roh"].score or 0), abs=1e-9)


@pytest.mark.parametrize("name", ["weighted_summary", "mean", "minimum", "weighted_questions"])
def test_each_vectorised_aggregation_is_the_exact_rule(name: str) -> None:
    rule = builtin_registry().aggregations[name]
    rng = np.random.default_rng(7)
    individual = rng.uniform(0, 100, size=(200, 4))
    individual[rng.uniform(size=individual.shape) < 0.3] = np.nan
    summary = rng.uniform(0, 100, size=200)
    summary[rng.uniform(size=200) < 0.2] = np.nan
    weights = [1.0, 2.0, 0.5, 1.0, 3.0]
    both = np.column_stack([individual, summary])
    got = _criterion(rule, individual, summary, 0.8, 0.2, both, weights)
    for r in range(200):
        ind = [Fraction(float(v)) for v in individual[r] if not np.isnan(v)]
        summ = None if np.isnan(summary[r]) else Fraction(float(summary[r]))
        if rule.weigh is not None:
            present = [j for j in range(5) if not np.isnan(both[r, j])]
            want = builtin.weighted_mean(
                [Fraction(float(both[r, j])) for j in present], [Fraction(weights[j]) for j in present]
            )
        else:
            want = rule.combine(ind, summ, Fraction(4, 5), Fraction(1, 5))
        if want is None:
            assert math.isnan(got[r])
        else:
            assert got[r] == pytest.approx(float(want), abs=1e-9)


def test_band_shares_sum_to_one(scored: pipeline.Scored) -> None:
    u = scored.result.uncertainty if scored.result else None
    assert u is not None
    stabilities = [f.stability for f in u.criteria.values()] + [o.stability for o in u.decisions.values()]
    for stability in stabilities:
        assert stability is not None
        assert sum(s.replicates for s in stability.shares) == u.replicates
        assert math.isclose(sum(s.share for s in stability.shares), 1.0, abs_tol=1e-3)


def test_the_north_wales_conclusions_a_resample_could_change(scored: pipeline.Scored) -> None:
    """1.4 at 72% (good from 71) and 3.2 at 61% (priority from 62) sit next to a limit; 2.4 at
    82% and 2.6 at 86% are far from any."""
    u = scored.result.uncertainty if scored.result else None
    assert u is not None
    flagged = {cid for cid, f in u.criteria.items() if f.stability and not f.stability.firm}
    assert {"1.2", "1.4", "2.3", "3.2"} <= flagged
    assert not {"2.4", "2.6"} & flagged
    s14 = u.criteria["1.4"].stability
    assert s14 is not None and s14.published == "good" and "priority" in s14.reaches
    assert s14.flag == "Good, but not distinguishable from Priority for improvement at this sample size"
    shares = {s.id: s.share for s in s14.shares}
    assert 0.5 < shares["good"] < 0.9 and 0.1 < shares["priority"] < 0.5
    assert any(line.startswith("1.4 ") for line in u.unstable)
    # the decision reads the Risk of Harm thread (71%, limit 60): no resample moves it
    assert u.decisions["further_focused_inspection"].stability.firm


def test_every_interval_holds_its_estimate(scored: pipeline.Scored) -> None:
    u = scored.result.uncertainty if scored.result else None
    assert u is not None
    for figure in [*u.criteria.values(), *u.sections.values(), *u.threads.values()]:
        low, high = figure.bootstrap.low, figure.bootstrap.high
        assert low is not None and high is not None and figure.estimate is not None
        assert 0 <= low < figure.estimate < high <= 100


def test_bootstrap_and_linearised_intervals_agree(scored: pipeline.Scored) -> None:
    """For the smooth rules the analytic interval is the bootstrap's, to within sampling noise
    of 2,000 resamples and the skew of small counts: every end within 1.5 points."""
    u = scored.result.uncertainty if scored.result else None
    assert u is not None
    for figure in [*u.criteria.values(), *u.sections.values(), *u.threads.values()]:
        assert figure.linearised is not None
        assert figure.linearised.low == pytest.approx(figure.bootstrap.low, abs=1.5)
        assert figure.linearised.high == pytest.approx(figure.bootstrap.high, abs=1.5)


def test_wilson_interval() -> None:
    low, high = wilson(8, 10, 0.95) or (0, 0)
    assert (round(low, 1), round(high, 1)) == (49.0, 94.3)
    assert wilson(0, 0, 0.95) is None
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    low0, high0 = wilson(0, 9, 0.95) or (1, 1)
    assert low0 == 0 and 25 < high0 < 35  # nine answers, none sufficient: still up to ~30%


def test_the_seeded_bootstrap_is_byte_identical() -> None:
    args = ["score", str(RULESET), str(CASES), "--judgements", str(JUDGEMENTS), "--format", "json"]
    first = CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    other = CliRunner().invoke(main, [*args, "--seed", "1"])
    assert json.loads(other.stdout)["uncertainty"]["criteria"] != json.loads(first.stdout)["uncertainty"]["criteria"]
    assert np.array_equal(bootstrap_weights(50, 10, 3), bootstrap_weights(50, 10, 3))


def test_the_caseload_narrows_the_intervals(scored: pipeline.Scored) -> None:
    small = pipeline.score(RULESET, CASES, JUDGEMENTS, uncertainty=Options(caseload=218)).result
    assert small is not None and small.uncertainty is not None and scored.result is not None
    u = scored.result.uncertainty
    assert u is not None
    assert small.uncertainty.correction == pytest.approx(math.sqrt(1 - 109 / 218), abs=1e-6)
    for cid, figure in small.uncertainty.criteria.items():
        full = u.criteria[cid]
        assert figure.bootstrap.high is not None and figure.bootstrap.low is not None
        assert full.bootstrap.high is not None and full.bootstrap.low is not None
        width, wide = figure.bootstrap.high - figure.bootstrap.low, full.bootstrap.high - full.bootstrap.low
        assert width < wide
        assert width == pytest.approx(wide * small.uncertainty.correction, rel=0.15)


def test_score_shows_the_intervals_and_the_closing_note() -> None:
    args = ["score", str(RULESET), str(CASES), "--judgements", str(JUDGEMENTS), "--uncertainty"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "How sure are these figures" in out.stdout and "95% interval" in out.stdout
    words = " ".join(out.stdout.split())  # the terminal wraps long lines
    assert "Good, but not distinguishable from Priority for improvement at this sample size" in words
    plain = CliRunner().invoke(main, args[:-1])
    assert "How sure" not in plain.stdout  # off by default in the published-figures view
    md = CliRunner().invoke(main, [*args, "--format", "markdown"])
    assert "## How sure are these figures" in md.stdout and "| 1.4 Assessment" in md.stdout


def test_html_whiskers_and_flags() -> None:
    args = ["score", str(RULESET), str(CASES), "--judgements", str(JUDGEMENTS), "--format", "html"]
    page = CliRunner().invoke(main, [*args, "--uncertainty"]).stdout
    assert page.count('<g class="whisker"') == 14 + 3  # every criterion and section
    assert "Good (not firm)" in page and "95% interval 65.8-77.6" in page
    assert "How sure are these figures" in page
    assert 'class="whisker"' not in CliRunner().invoke(main, args).stdout


def test_explain_uncertainty() -> None:
    args = ["explain", str(RULESET), str(CASES), "3.2", "--judgements", str(JUDGEMENTS), "--uncertainty"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "bootstrap interval:" in out.stdout and "resamples in each band:" in out.stdout
    assert "Urgent priority for improvement, but not distinguishable from Priority" in " ".join(out.stdout.split())


@pytest.mark.parametrize(
    ("option", "value", "exit_code", "code"),
    [
        ("--confidence", "95", 2, "U001"),
        ("--replicates", "10", 2, "U001"),
        ("--seed", "-1", 2, "U001"),
        ("--caseload", "0", 2, "U001"),
        ("--caseload", "50", 1, "U002"),
    ],
)
def test_bad_precision_options(option: str, value: str, exit_code: int, code: str) -> None:
    args = ["score", str(RULESET), str(CASES), "--judgements", str(JUDGEMENTS), "--uncertainty", option, value]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == exit_code, out.output
    assert f"error[{code}]" in out.stderr and f"{option}:1:" in out.stderr
    assert "Traceback" not in out.output


def test_replay_from_ratings_has_no_uncertainty(tmp_path: Path) -> None:
    ratings = ROOT / "examples" / "hmip-youth" / "east-sussex-2024-ratings.yaml"
    out = CliRunner().invoke(
        main, ["score", str(ROOT / "rulesets" / "hmip-youth-2021"), "--judgements", str(ratings), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["uncertainty"] is None


def test_resamples_drawn_in_chunks_are_the_same_bootstrap_shape_and_reproducible() -> None:
    """A large sample draws its resamples a chunk at a time (memory): every row still draws
    ``size`` cases (weights sum to the sample size), the chunks join to ``replicates`` rows,
    the same seed gives the same weights, and a sample within one chunk gets exactly
    ``bootstrap_weights``."""
    import numpy as np

    from omi_rules.engine.resample import bootstrap_weight_chunks, bootstrap_weights

    chunked = np.vstack(list(bootstrap_weight_chunks(50, 7, seed=3, cells=120)))  # 2 rows a chunk
    assert chunked.shape == (7, 50) and (chunked.sum(axis=1) == 50).all()
    assert (chunked == np.vstack(list(bootstrap_weight_chunks(50, 7, seed=3, cells=120)))).all()
    [whole] = bootstrap_weight_chunks(50, 7, seed=3)
    assert (whole == bootstrap_weights(50, 7, seed=3)).all()


@settings(max_examples=200, deadline=None)
@given(
    limits=st.lists(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)), min_size=1, max_size=5, unique=True),
    values=st.lists(st.floats(0, 100) | st.just(float("nan")), max_size=40),
    basis=st.sampled_from(["unrounded", "rounded"]),
)
def test_bands_of_resampled_values_at_once_are_the_bands_ranges_gives_each(
    limits: list[float], values: list[float], basis: str
) -> None:
    """``band_codes`` works out the built-in ``ranges`` rule on all resamples at once: for any
    values (limits themselves, 100, no figure) it gives each the band ``ranges`` gives it."""
    from omi_rules.engine.grading import band_for
    from omi_rules.engine.stability import band_codes, on_basis
    from omi_rules.model import BandSet, Rounding

    edges = sorted({0.0, *limits, 100.0})
    source = {"assumption": "a generated band set"}
    bands = [
        {"id": f"b{i}", "label": f"B{i}", "min": low, "max": high, "source": source}
        for i, (low, high) in enumerate(itertools.pairwise(edges))
    ]
    band_set = BandSet.model_validate({"id": "s", "title": "S", "basis": basis, "bands": bands})
    rounding = Rounding(decimals=0, method="half_up")
    registry = builtin_registry()
    probe = np.array([*values, *edges], dtype=float)
    codes, names = band_codes(probe, band_set, rounding, registry)
    plain = band_set.model_copy(update={"basis": "exact"})
    for value, compared, code in zip(probe, on_basis(probe, basis, rounding), codes, strict=True):
        expected = None if math.isnan(value) else band_for(Fraction(repr(float(compared))), plain, rounding, registry)
        assert (names[code] if code >= 0 else None) == (expected.id if expected else None)
