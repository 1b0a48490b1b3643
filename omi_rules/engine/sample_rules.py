"""Sample requirements (size, strata, minimum case types) checked against a real sample.

These are warnings (D013): a sample that misses its design is still scored, as North Wales's
109 cases were, but whoever reads the result should know.
"""

from __future__ import annotations

from omi_rules.casedata.validate import CaseSample
from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.vector import VectorData, evaluate
from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.diagnostics.codes import make
from omi_rules.engine.relevance import Evaluation
from omi_rules.model import Ruleset
from omi_rules.ruleset.environments import sample_env


def check_requirements(model: Ruleset, sample: CaseSample, evaluation: Evaluation, where: Position) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    size = model.sample.size
    if size is not None and (sample.size < size.min or (size.max is not None and sample.size > size.max)):
        upper = f"-{size.max}" if size.max is not None else " or more"
        out.append(make("D013", f"the sample has {sample.size} cases; the ruleset asks for {size.min}{upper}", where))
    for stratum in model.sample.strata:
        values = sample.values.get(stratum.field, [])
        for value, designed in stratum.counts.items():
            found = values.count(value)  # in C: a generator over 50,000 cases took 7 ms a value
            if found != designed:
                out.append(
                    make("D013", f"{found} cases have {stratum.field} = {value}; the design has {designed}", where)
                )
    env = sample_env(model)
    for minimum in model.sample.minimums:
        checked = compile_condition(minimum.when, env)
        if not isinstance(checked, Checked):
            continue  # reported by check
        found = int(evaluate(checked, VectorData(sample.size, evaluation.columns, {})).sum())
        if found < minimum.min:
            out.append(make("D013", f"{found} cases are {minimum.title.lower()}; the minimum is {minimum.min}", where))
    return out
